using System;
using System.Linq;
using EffNetGen.Formats;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Weights;

/// <summary>TorchSharp's own <c>.dat</c> format (<c>Module.save</c> / <c>Module.load</c>), loaded atomically.</summary>
public static class TorchSharpWeights
{
    /// <summary>Saves <paramref name="module"/> in TorchSharp's format, whole or not at all (<see cref="AtomicFile"/>): a failed save keeps the previous file.</summary>
    public static void SaveTorchSharp(this nn.Module module, string path)
    {
        EfficientNetModule.ThrowIfDisposed(module);
        AtomicFile.Replace(path, temporary => module.save(temporary));
    }

    /// <summary>
    /// Loads a TorchSharp <c>.dat</c> file. TorchSharp loads tensor by tensor; on any failure the module's previous
    /// values are restored, so it is never left half-loaded.
    /// </summary>
    /// <exception cref="WeightFormatException">The file is missing, malformed or does not fit the model.</exception>
    public static void LoadTorchSharp(this nn.Module module, string path, bool strict = true)
    {
        EfficientNetModule.ThrowIfDisposed(module);
        var backup = module.state_dict().ToDictionary(s => s.Key, s => s.Value.clone());
        try
        {
            module.load(path, strict);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            using (no_grad())
            {
                foreach (var (name, tensor) in module.state_dict())
                {
                    tensor.copy_(backup[name]);
                }
            }
            throw new WeightFormatException($"{path}: cannot load TorchSharp weights: {e.Message} The model is unchanged.");
        }
        finally
        {
            foreach (var tensor in backup.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
