using System;
using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>Creates activation modules.</summary>
public static class Activations
{
    /// <summary>A new module for <paramref name="activation"/>; null for <see cref="Activation.None"/>.</summary>
    public static nn.Module<Tensor, Tensor>? Create(Activation activation) => activation switch
    {
        Activation.None => null,
        Activation.SiLU => nn.SiLU(),
        Activation.ReLU => nn.ReLU(),
        Activation.ReLU6 => nn.ReLU6(),
        Activation.HardSwish => nn.Hardswish(),
        Activation.GELU => nn.GELU(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.LeakyReLU => nn.LeakyReLU(),
        Activation.Mish => nn.Mish(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };
}
