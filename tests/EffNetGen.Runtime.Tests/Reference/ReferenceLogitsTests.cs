using System.IO;
using System.Linq;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Weights;

/// <summary>A fact that runs once tools/make_reference_fixtures.py has produced its folder, and is skipped with the reason until then.</summary>
internal sealed class FixtureFactAttribute : FactAttribute
{
    public FixtureFactAttribute(string fixture)
    {
        if (!Directory.Exists(ReferenceFixtureTests.Folder(fixture)))
        {
            Skip = $"tests/fixtures/{fixture} does not exist yet: run tools/make_reference_fixtures.py on a machine with PyTorch, torchvision and timm, and commit its output.";
        }
    }
}

/// <summary>The generated models against logits PyTorch computed with the reference implementations.</summary>
public class ReferenceFixtureTests
{
    public static string Folder(string fixture) => Repository.PathOf("tests", "fixtures", fixture);

    [FixtureFact("torchvision_efficientnet_b0")]
    public void B0_with_torchvisions_weights_reproduces_torchvisions_logits()
    {
        using var model = new EfficientNetB0();
        AssertReproduces(model, "torchvision_efficientnet_b0", new LoadOptions());
    }

    [FixtureFact("timm_tf_efficientnet_b0")]
    public void TfEfficientNetB0_with_timms_weights_reproduces_timms_logits()
    {
        using var model = new TfEfficientNetB0();
        AssertReproduces(model, "timm_tf_efficientnet_b0", TimmNames.LoadOptions(model));
    }

    private static void AssertReproduces(EfficientNetModule model, string fixture, LoadOptions options)
    {
        var folder = Folder(fixture);
        model.LoadSafetensors(Path.Combine(folder, "model.safetensors.index.json"), options);
        model.eval();
        var io = SafetensorsFile.Open(Path.Combine(folder, "io.safetensors"));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var logits = model.call(io.ReadTensor("input"));

        var expected = io.ReadTensor("logits");
        var relativeError = (logits - expected).norm().item<float>() / expected.norm().item<float>();
        Assert.True(relativeError < 1e-4, $"{fixture}: relative L2 error {relativeError}");
    }
}
