using System;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>Activation functions generated code may ask for.</summary>
public enum Activation
{
    /// <summary>No activation (identity), e.g. the linear projection of an MBConv block.</summary>
    None,

    /// <summary>x·sigmoid(x).</summary>
    SiLU,

    /// <summary>max(0, x).</summary>
    ReLU,

    /// <summary>min(max(0, x), 6).</summary>
    ReLU6,

    /// <summary>x·relu6(x + 3)/6.</summary>
    HardSwish,

    /// <summary>Gaussian error linear unit.</summary>
    GELU,
}

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
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };
}
