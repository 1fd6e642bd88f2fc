using System;
using EffNetGen.OnnxRuntime.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace EffNetGen.OnnxRuntime;

/// <summary>Where ONNX Runtime runs the model.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's CPU kernels (Microsoft.ML.OnnxRuntime).</summary>
    Cpu,

    /// <summary>CUDA: needs the GPU build (Microsoft.ML.OnnxRuntime.Gpu) referenced instead of the CPU one, and a GPU.</summary>
    Cuda,
}

/// <summary>How an <see cref="ImageClassifier"/> runs.</summary>
public sealed record ClassifierOptions
{
    /// <summary>The execution provider; <see cref="ExecutionProvider.Cpu"/> by default.</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>The GPU for <see cref="ExecutionProvider.Cuda"/>.</summary>
    public int DeviceId { get; init; }

    /// <summary>Threads inside one inference; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>The most images one inference takes; longer lists run in batches of this size.</summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>The largest image decoded, in pixels; larger ones are refused before decoding.</summary>
    public long MaxPixels { get; init; } = ImageDecoder.DefaultMaxPixels;

    /// <summary>Further session settings (graph optimisation, profiling, other providers), applied last.</summary>
    public Action<SessionOptions>? ConfigureSession { get; init; }
}
