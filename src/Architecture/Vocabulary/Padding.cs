namespace EffNetGen.Architecture;

/// <summary>How a network's convolutions pad.</summary>
public enum Padding
{
    /// <summary>(k−1)/2 on every side (PyTorch).</summary>
    Symmetric,

    /// <summary>TensorFlow 'same': computed from the input size; on stride-2 convs the extra pixel goes bottom/right.</summary>
    Same,
}

/// <summary>Where TensorFlow's 'same' padding differs from PyTorch's symmetric (k − 1) / 2.</summary>
public static class SamePadding
{
    /// <summary>
    /// Whether a convolution of <paramref name="kernel"/> and <paramref name="stride"/> pads differently under 'same':
    /// only strided or even-kernel ones do (the runtime builds those as <c>Conv2dSame</c>).
    /// </summary>
    public static bool Differs(long kernel, long stride) => stride != 1 || kernel % 2 == 0;
}
