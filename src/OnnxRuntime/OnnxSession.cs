using System;
using EffNetGen.Formats;
using EffNetGen.Formats.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EffNetGen.OnnxRuntime;

/// <summary>An ONNX Runtime session over a plan and its weights, built in memory (no .onnx file is written).</summary>
internal static class OnnxSession
{
    /// <exception cref="WeightFormatException">The weights do not fit the plan.</exception>
    /// <exception cref="NotSupportedException">The execution provider is not in the ONNX Runtime package referenced.</exception>
    public static InferenceSession Create(NetworkPlan plan, WeightSource weights, ClassifierOptions options)
    {
        var model = OnnxWriter.ToBytes(plan, weights);
        using var settings = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads };
        if (options.Provider == ExecutionProvider.Cuda)
        {
            try
            {
                settings.AppendExecutionProvider_CUDA(options.DeviceId);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException)
            {
                throw new NotSupportedException(
                    $"ONNX Runtime's CUDA provider is not available ({e.Message}); reference Microsoft.ML.OnnxRuntime.Gpu instead of Microsoft.ML.OnnxRuntime, with CUDA and cuDNN installed", e);
            }
        }
        options.ConfigureSession?.Invoke(settings);
        return new InferenceSession(model, settings);
    }
}
