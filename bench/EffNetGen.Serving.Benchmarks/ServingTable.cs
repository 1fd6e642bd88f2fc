using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using EffNetGen.Benchmarks;
using EffNetGen.OnnxRuntime;
using EffNetGen.OnnxRuntime.Imaging;
using EffNetGen.Runtime.Inference;
using EffNetGen.Runtime.Platform;
using EffNetGen.Runtime.Weights;
using static TorchSharp.torch;

namespace EffNetGen.Serving.Benchmarks;

/// <summary>
/// Serving a JPEG end to end (decode, timm's evaluation transform, inference, two threads): the ONNX Runtime engine's
/// <see cref="ImageClassifier"/> against TorchSharp's <c>ForInference()</c> path fed by the same decoder and transform,
/// with glibc's default allocator and with <see cref="GlibcHeap.KeepFreedMemory"/>. Each case runs in its own process
/// (this program with <c>serving-case</c>: the allocator setting is process-wide, and BenchmarkDotNet's own child
/// processes cannot load the generator's dependencies here) and is checked against the float64 eval output before it
/// is timed: 3 warm-up calls, then the median of 15, and the minor page faults per call over those 15.
/// </summary>
internal sealed class ServingTable
{
    private static readonly string[] Methods = { "classifier", "forinference", "forinference-heap" };

    private ServingTable(string model, int batch) => (Model, Batch) = (model, batch);

    private string Model { get; }

    private int Batch { get; }

    private Action? _serve;
    private IDisposable? _owned;

    /// <summary>How many times each case runs, interleaved with the others, to see through a busy machine.</summary>
    private const int Rounds = 3;

    /// <summary>
    /// Prints the table: each model, batch and method in a child process, <see cref="Rounds"/> rounds interleaved (so
    /// that load from elsewhere falls on every method alike); each cell is the median over the rounds.
    /// </summary>
    public static void Print()
    {
        Console.WriteLine($"## Serving a JPEG end to end (decode + transform + inference, 2 threads; median of 15 calls per process, of {Rounds} interleaved processes per case)");
        Console.WriteLine();
        Console.WriteLine("| model | batch | engine | median ms | images/s | vs ONNX Runtime | page faults per call |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var model in new[] { "B0", "B3" })
        {
            foreach (var batch in new[] { 1, 8 })
            {
                var rounds = Enumerable.Range(0, Rounds).Select(_ => Methods.Select(m => Case(model, batch, m)).ToList()).ToList();
                var results = Methods.Select((m, i) => (Method: m, Milliseconds: Median(rounds.Select(r => r[i].Milliseconds)), Faults: Median(rounds.Select(r => r[i].Faults)))).ToList();
                var baseline = results[0].Milliseconds;
                foreach (var (method, milliseconds, faults) in results)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {model} | {batch} | {Describe(method)} | {milliseconds:F1} | {batch * 1000 / milliseconds:F1} | {milliseconds / baseline:F2}× | {faults:N0} |"));
                }
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>The child: one case, measured; prints "result MILLISECONDS FAULTS".</summary>
    public static int RunCase(string model, int batch, string method)
    {
        var table = new ServingTable(model, batch);
        switch (method)
        {
            case "classifier":
                table.SetupClassifier();
                break;
            case "forinference":
                table.SetupTorchSharp();
                break;
            case "forinference-heap":
                if (!GlibcHeap.KeepFreedMemory())
                {
                    throw new InvalidOperationException("mallopt is not available: not glibc");
                }
                table.SetupTorchSharp();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, string.Join(", ", Methods));
        }
        for (var i = 0; i < 3; i++)
        {
            table._serve!();
        }
        var times = new List<double>();
        var faults = ProcStatus.MinorFaults(Environment.ProcessId);
        for (var i = 0; i < 15; i++)
        {
            var watch = Stopwatch.StartNew();
            table._serve!();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        faults = ProcStatus.MinorFaults(Environment.ProcessId) - faults;
        table._owned?.Dispose();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result {Median(times)} {faults / 15.0}"));
        return 0;
    }

    private static (double Milliseconds, double Faults) Case(string model, int batch, string method)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{typeof(ServingTable).Assembly.Location}\" serving-case {model} {batch} {method}")
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"serving-case {model} {batch} {method} failed (exit {process.ExitCode}):\n{output}");
        var parts = line.Split(' ');
        return (double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static string Describe(string method) => method switch
    {
        "classifier" => "ONNX Runtime `ImageClassifier`",
        "forinference" => "TorchSharp `ForInference()`",
        _ => "`ForInference()`, `GlibcHeap.KeepFreedMemory()`",
    };

    private void SetupClassifier()
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
            _ = folded.Forward(input).argmax(1).data<long>().ToArray();
        };
    }

    /// <summary>The JPEG decoded and transformed <see cref="Batch"/> times, as the classifier prepares a batch.</summary>
    private Tensor Transformed(EvalTransform transform)
    {
        var pixels = new float[Batch * transform.Length];
        System.Threading.Tasks.Parallel.For(0, Batch, i => transform.Apply(ImageDecoder.Decode(Jpeg, "landscape.jpg"), pixels.AsSpan(i * transform.Length, transform.Length)));
        return tensor(pixels, new long[] { Batch, 3, transform.Resolution, transform.Resolution });
    }

    private (Func<Runtime.EfficientNetModule> Create, string Name) Variant() => Model switch
    {
        "B0" => (() => new EfficientNetB0(), "efficientnet_b0"),
        "B3" => (() => new EfficientNetB3(), "efficientnet_b3"),
        _ => throw new ArgumentOutOfRangeException(nameof(Model), Model, "B0 or B3"),
    };

    private static readonly byte[] Jpeg = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "landscape.jpg"));
}
