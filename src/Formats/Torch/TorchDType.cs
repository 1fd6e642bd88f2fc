using System.Collections.Generic;

namespace EffNetGen.Formats.Torch;

/// <summary>
/// The element type of a torch storage: torch's dtype name, the storage class a zip checkpoint names it by
/// (<c>torch.FloatStorage</c>, …) and the bytes an element takes.
/// </summary>
internal sealed record TorchDType(string Name, string StorageClass, int Size, bool IsFloat)
{
    private static readonly TorchDType[] All =
    [
        new("float32", "FloatStorage", 4, true),
        new("float64", "DoubleStorage", 8, true),
        new("float16", "HalfStorage", 2, true),
        new("bfloat16", "BFloat16Storage", 2, true),
        new("int64", "LongStorage", 8, false),
        new("int32", "IntStorage", 4, false),
        new("int16", "ShortStorage", 2, false),
        new("int8", "CharStorage", 1, false),
        new("uint8", "ByteStorage", 1, false),
        new("bool", "BoolStorage", 1, false),
        new("complex64", "ComplexFloatStorage", 8, false),
        new("complex128", "ComplexDoubleStorage", 16, false),
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
