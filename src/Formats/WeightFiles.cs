using System.IO;

namespace EffNetGen.Formats;

/// <summary>
/// Opens weight files for reading. They are read at offsets (a header, then each tensor, some of them more than
/// once), so a pipe or a device, e.g. <c>--weights &lt;(cat w.safetensors)</c>, is refused by name instead of failing at
/// the first seek with .NET's <see cref="System.NotSupportedException"/>.
/// </summary>
internal static class WeightFiles
{
    /// <summary>Opens <paramref name="path"/>, a regular file (links followed).</summary>
    /// <exception cref="WeightFormatException">A pipe, a device, a socket or a folder.</exception>
    public static FileStream OpenRead(string path)
    {
        CheckRegular(path);
        return File.OpenRead(path);
    }

    /// <summary>Throws unless <paramref name="path"/> is a regular file or does not exist (opening it then says so).</summary>
    /// <exception cref="WeightFormatException">A pipe, a device, a socket or a folder.</exception>
    public static void CheckRegular(string path)
    {
        if (!FileKind.IsRegular(path))
        {
            throw new WeightFormatException($"{path}: not a regular file (a pipe, a device or a folder); weights are read at offsets, so save them to a file first.");
        }
    }
}
