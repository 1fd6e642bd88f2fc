using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using EffNetGen.OnnxRuntime;
using EffNetGen.OnnxRuntime.Imaging;
using EffNetGen.Runtime.Inference;
using EffNetGen.Runtime.Platform;
using EffNetGen.Runtime.Weights;
using static TorchSharp.torch;

namespace EffNetGen.Benchmarks;

/// <summary>
/// Serving a JPEG end to end (decode, timm's evaluation transform, inference, two threads): the ONNX Runtime engine's
/// <see cref="ImageClassifier"/> against TorchSharp's <c>ForInference()</c> path fed by the same decoder and transform,
/// with glibc's default allocator and with <see cref="GlibcHeap.KeepFreedMemory"/>. Each case runs in its own process
/// (the allocator setting is process-wide) and is checked against the float64 eval output before it is timed.
/// </summary>
public class ServingBenchmarks
{
    [Params("B0", "B3")]
    public string Model { get; set; } = "B0";

    [Params(1, 8)]
    public int Batch { get; set; }

    private Func<object>? _serve;
    private IDisposable? _owned;

    [GlobalSetup(Target = nameof(OnnxRuntimeClassifier))]
    public void SetupClassifier()
    {
        var (create, name) = Variant();
        using var model = create();
        model.eval();
        var checkpoint = Path.Combine(Path.GetTempPath(), $"effnetgen-serving-{Model}-{Environment.ProcessId}.safetensors");
        SafetensorsWriter.Write(checkpoint, model.state_dict());
        var classifier = ImageClassifier.FromCheckpoint(name, checkpoint, new ClassifierOptions { IntraOpThreads = 2 });
        File.Delete(checkpoint);
        var images = Enumerable.Repeat(ImageInput.FromBytes(Jpeg, "landscape.jpg"), Batch).ToList();
        var logits = classifier.Classify(images, top: 1).SelectMany(p => p.Logits).ToArray();
        using (var input = Transformed(classifier.Transform))
        using (var expected = OutputCheck.Float64Eval(model)(input))
        {
            OutputCheck.Require($"ImageClassifier, {Model}, batch {Batch}", tensor(logits, expected.shape), expected);
        }
        (_owned, _serve) = (classifier, () => classifier.Classify(images, top: 5));
    }

    [GlobalSetup(Target = nameof(ForInference))]
    public void SetupForInference() => SetupTorchSharp();

    [GlobalSetup(Target = nameof(ForInferenceKeepingFreedMemory))]
    public void SetupForInferenceKeepingFreedMemory()
    {
        if (!GlibcHeap.KeepFreedMemory())
        {
            throw new InvalidOperationException("mallopt is not available: not glibc");
        }
        SetupTorchSharp();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime ImageClassifier")]
    public object OnnxRuntimeClassifier() => _serve!();

    [Benchmark(Description = "TorchSharp ForInference()")]
    public object ForInference() => _serve!();

    [Benchmark(Description = "ForInference(), GlibcHeap.KeepFreedMemory")]
    public object ForInferenceKeepingFreedMemory() => _serve!();

    [GlobalCleanup]
    public void Cleanup() => _owned?.Dispose();

    private void SetupTorchSharp()
    {
        set_num_threads(2);
        var (create, _) = Variant();
        using var model = create();
        model.eval();
        var folded = model.ForInference();
        var network = ShippedModels.Find(Variant().Name);
        var transform = EvalTransform.For(network.Preprocess);
        using (var input = Transformed(transform))
        using (var scope = NewDisposeScope())
        {
            OutputCheck.Require($"ForInference, {Model}, batch {Batch}", folded.Forward(input), OutputCheck.Float64Eval(model)(input));
        }
        _owned = folded;
        _serve = () =>
        {
            using var scope = NewDisposeScope();
            using var input = Transformed(transform);
            return folded.Forward(input).argmax(1).data<long>().ToArray();
        };
    }

    /// <summary>The JPEG decoded and transformed <see cref="Batch"/> times, as the classifier prepares a batch.</summary>
    private Tensor Transformed(EvalTransform transform)
    {
        var pixels = new float[Batch * transform.Length];
        System.Threading.Tasks.Parallel.For(0, Batch, i => transform.Apply(ImageDecoder.Decode(Jpeg, "landscape.jpg"), pixels.AsSpan(i * transform.Length, transform.Length)));
        return tensor(pixels, new long[] { Batch, 3, transform.Resolution, transform.Resolution });
    }

    private (Func<Runtime.EfficientNetModule> Create, string Name) Variant() =>
        (InferenceBenchmarks.Variant(Model).Create, Model == "B0" ? "efficientnet_b0" : "efficientnet_b3");

    private static readonly byte[] Jpeg = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "landscape.jpg"));
}
