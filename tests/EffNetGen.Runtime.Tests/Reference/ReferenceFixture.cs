using System.Collections.Generic;
using System.Linq;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Reference;

/// <summary>
/// One logits fixture of tools/make_reference_fixtures.py (tests/fixtures/README.md): a reference model's weights —
/// kernels from <see cref="CounterHash"/>, the stored 1-D tensors — with PyTorch's logits for a fixed input.
/// </summary>
internal sealed class ReferenceFixture
{
    private readonly SafetensorsFile _file;

    public ReferenceFixture(string source, string referenceModel)
    {
        (Source, ReferenceModel) = (source, referenceModel);
        _file = SafetensorsFile.Open(Repository.PathOf("tests", "fixtures", "logits", $"{source}_{referenceModel}.safetensors"));
    }

    public string Source { get; }

    public string ReferenceModel { get; }

    /// <summary>Whether the checkpoint has timm's names (else torchvision's, which are the generated models' own).</summary>
    public bool TimmNamed => Source == "timm";

    /// <summary>PyTorch's eval logits in float64 (the ground truth) and float32.</summary>
    public Tensor Logits64 => _file.ReadTensor("logits.float64");

    public Tensor Logits32 => _file.ReadTensor("logits.float32");

    /// <summary>
    /// The fixture's input, as the script makes it: counter-hash noise (fan-in 1), the second image at half contrast
    /// on a +0.5 offset (computed in double, rounded once).
    /// </summary>
    public Tensor Input()
    {
        var shape = ReferenceKeys.ParseShape(_file.Metadata["input_shape"]);
        using var noise = CounterHash.Create("input", shape, fanIn: 1);
        using var second = ((noise[1].to(ScalarType.Float64) * 0.5) + 0.5).to(ScalarType.Float32);
        return cat(new[] { noise[0].unsqueeze(0), second.unsqueeze(0) }, 0);
    }

    /// <summary>The full state_dict under the reference's names, in its order.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> StateDict() =>
        ReferenceKeys.Of(Source, ReferenceModel).Select(entry => new KeyValuePair<string, Tensor>(entry.Name, entry.Shape.Length >= 2
            ? CounterHash.Create(entry.Name, entry.Shape, entry.Shape.Skip(1).Aggregate(1L, (product, d) => product * d))
            : _file.ReadTensor(entry.Name)));

    /// <summary>Writes the checkpoint as a safetensors file and loads it into <paramref name="model"/> by the reference's names.</summary>
    public void LoadInto(EfficientNetModule model, string path)
    {
        var state = StateDict().ToList();
        SafetensorsWriter.Write(path, state);
        foreach (var (_, value) in state)
        {
            value.Dispose();
        }
        model.LoadSafetensors(path, TimmNamed ? TimmNames.LoadOptions(model) : new LoadOptions());
    }
}
