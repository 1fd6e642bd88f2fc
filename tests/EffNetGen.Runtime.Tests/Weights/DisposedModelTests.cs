using System;
using EffNetGen.Runtime.Inference;
using EffNetGen.Runtime.Onnx;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Runtime.Tests.Weights;

/// <summary>
/// A disposed model is reported as disposed (issue 21, M9): TorchSharp empties its parameter lists, so loading used
/// to list every tensor of the checkpoint as unexpected, and saving wrote an empty file.
/// </summary>
public class DisposedModelTests
{
    [Fact]
    public void Loading_saving_exporting_and_folding_a_disposed_model_throw_ObjectDisposedException()
    {
        using var folder = new TempDirectory();
        var weights = folder.PathOf("b0.safetensors");
        var dat = folder.PathOf("b0.dat");
        using (var live = new EfficientNetB0(numClasses: 4))
        {
            SafetensorsWriter.Write(weights, live.state_dict());
            live.SaveTorchSharp(dat);
        }
        var model = new EfficientNetB0(numClasses: 4);
        Assert.False(model.IsDisposed);
        model.Dispose();
        Assert.True(model.IsDisposed);

        var actions = new (string What, Action Act)[]
        {
            ("LoadSafetensors", () => model.LoadSafetensors(weights)),
            ("LoadTorchSharp", () => model.LoadTorchSharp(dat)),
            ("SaveTorchSharp", () => model.SaveTorchSharp(folder.PathOf("again.dat"))),
            ("ForInference", () => model.ForInference()),
            ("ExportOnnx", () => model.ExportOnnx(folder.PathOf("b0.onnx"))),
        };
        foreach (var (what, act) in actions)
        {
            var error = Assert.Throws<ObjectDisposedException>(act);
            Assert.True(error.ObjectName == typeof(EfficientNetB0).FullName, $"{what}: {error.Message}");
        }
        Assert.False(System.IO.File.Exists(folder.PathOf("again.dat")));
        Assert.False(System.IO.File.Exists(folder.PathOf("b0.onnx")));
    }
}
