using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>
/// BatchNorm epsilon and momentum (PyTorch convention: weight of the new batch statistic).
/// They matter for loaded weights: torchvision's B0–B4 use 1e-5 / 0.1, B5–B7 1e-3 / 0.01.
/// </summary>
public readonly record struct NormSettings(double Eps, double Momentum);

/// <summary>Convolution padding.</summary>
public enum Padding
{
    /// <summary>(k−1)/2 on every side (PyTorch).</summary>
    Symmetric,

    /// <summary>TensorFlow 'same', from the input size at run time; on strided convs the extra pixel goes bottom/right.</summary>
    Same,
}

/// <summary>What every layer of one network shares: BatchNorm settings, padding, and the device to create parameters on.</summary>
/// <param name="Device">Null: the default device. <c>torch.META</c> creates shapes without memory (e.g. to count parameters).</param>
public sealed record LayerSettings(NormSettings Norm, Padding Padding = Padding.Symmetric, Device? Device = null);
