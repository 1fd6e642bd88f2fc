using System.Collections.Generic;

namespace EffNetGen.Formats.Torch;

/// <summary>
/// The element type of a torch storage: torch's dtype name, the storage class a zip checkpoint names it by
/// (<c>torch.FloatStorage</c>, …) and the bytes an element takes.
/// </summary>
/// <param name="Float">How a floating-point element is stored; null for integer, boolean and complex types.</param>
internal sealed record TorchDType(string Name, string StorageClass, int Size, FloatEncoding? Float)
{
    private static readonly TorchDType[] All =
    [
        new("float32", "FloatStorage", 4, FloatEncoding.Float32),
        new("float64", "DoubleStorage", 8, FloatEncoding.Float64),
        new("float16", "HalfStorage", 2, FloatEncoding.Float16),
        new("bfloat16", "BFloat16Storage", 2, FloatEncoding.BFloat16),
        new("int64", "LongStorage", 8, null),
        new("int32", "IntStorage", 4, null),
        new("int16", "ShortStorage", 2, null),
        new("int8", "CharStorage", 1, null),
        new("uint8", "ByteStorage", 1, null),
        new("bool", "BoolStorage", 1, null),
        new("complex64", "ComplexFloatStorage", 8, null),
        new("complex128", "ComplexDoubleStorage", 16, null),
    ];

    private static readonly Dictionary<string, TorchDType> ByStorageClass = Index();

    /// <summary>The dtype whose storage class is <c>torch.<paramref name="storageClass"/></c>, or null.</summary>
    public static TorchDType? FromStorageClass(string storageClass) => ByStorageClass.GetValueOrDefault(storageClass);

    private static Dictionary<string, TorchDType> Index()
    {
        var index = new Dictionary<string, TorchDType>(System.StringComparer.Ordinal);
        foreach (var dtype in All)
        {
            index.Add(dtype.StorageClass, dtype);
        }
        return index;
    }
}
