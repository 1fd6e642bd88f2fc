using System.Globalization;
using System.Text;

namespace EffNetGen.CodeGen;

/// <summary>
/// The hint name of a generated file, which is also its file name (<c>EmitCompilerGeneratedFiles</c>, <c>effnet
/// generate</c>). A type's full name may have up to 1,023 bytes, but file systems allow 255 a file name (issue 21, D14:
/// CS0016 from 245 characters on): a longer one is cut and ends with a hash of the whole name.
/// </summary>
public static class HintNames
{
    /// <summary>
    /// The most UTF-8 bytes a hint name has: half a file name's 255, leaving room for the folder names some tools add
    /// under Windows' 260-character paths.
    /// </summary>
    public const int MaxBytes = 128;

    private const string Extension = ".g.cs";

    /// <summary>
    /// <paramref name="fullName"/> + <c>.g.cs</c> when within <see cref="MaxBytes"/>; else its longest prefix that fits,
    /// a dash and 16 hex digits of a hash of the name ignoring case — unique ignoring case, as Roslyn compares hint names,
    /// as long as the full names are (EFF0003 refuses the rest).
    /// </summary>
    public static string For(string fullName)
    {
        if (Encoding.UTF8.GetByteCount(fullName) + Extension.Length <= MaxBytes)
        {
            return fullName + Extension;
        }
        var hash = "-" + Fnv1a(fullName.ToLowerInvariant()).ToString("x16", CultureInfo.InvariantCulture) + Extension;
        // Names are letters, digits, '_' and '.' of the Basic Multilingual Plane (1 to 3 bytes each, no surrogate to split).
        var (length, bytes) = (0, hash.Length);
        while (bytes + Utf8Length(fullName[length]) <= MaxBytes)
        {
            bytes += Utf8Length(fullName[length++]);
        }
        return fullName.Substring(0, length) + hash;
    }

    private static int Utf8Length(char c) => c < 0x80 ? 1 : c < 0x800 ? 2 : 3;

    /// <summary>64-bit FNV-1a over the UTF-16 code units: stable across processes and platforms, unlike string.GetHashCode.</summary>
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }
}
