using System.Collections.Generic;
using EffNetGen.Formats;
using EffNetGen.Formats.Onnx;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Onnx;

/// <summary>
/// ONNX export of generated models (TorchSharp cannot export ONNX): the model's structure as a
/// <see cref="EfficientNetModule.Plan"/> and its current tensors, written by <see cref="OnnxWriter"/> (see there for the graph).
/// </summary>
public static class OnnxExport
{
    /// <summary>
    /// Writes <paramref name="model"/> with its current weights to <paramref name="path"/>, whole or not at all. The
    /// model itself is not changed.
    /// </summary>
    public static void ExportOnnx(this EfficientNetModule model, string path, OnnxExportOptions? options = null)
    {
        EfficientNetModule.ThrowIfDisposed(model);
        using var noGrad = no_grad();
        OnnxWriter.Write(model.Plan, new ModuleWeights(model), path, options);
    }

    /// <summary>The model's state_dict as float32 arrays.</summary>
    private sealed class ModuleWeights(EfficientNetModule model) : WeightSource
    {
        private readonly Dictionary<string, Tensor> _tensors = model.state_dict();

        public override string Origin => model.GetType().Name;

        public override IEnumerable<string> Names => _tensors.Keys;

        public override long[]? ShapeOf(string name) => _tensors.TryGetValue(name, out var tensor) ? tensor.shape : null;

        public override float[] Read(string name)
        {
            using var values = _tensors[name].detach().to(ScalarType.Float32).cpu().contiguous();
            return values.data<float>().ToArray();
        }
    }
}
