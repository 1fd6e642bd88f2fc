using System;
using System.IO;
using System.Runtime.InteropServices;

namespace EffNetGen.Formats;

/// <summary>
/// Writes a file whole or not at all: into a new temporary file beside the destination, then renamed over it. The
/// destination is what the user named as the system would resolve it: a symbolic link's final target is replaced (the
/// link stays), an existing file keeps its permissions, and a device, pipe, socket or folder is refused, never replaced.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with a stream to a temporary file and moves it to <paramref name="path"/> when it
    /// returns; if it throws, <paramref name="path"/> is left as it was and the temporary file is removed.
    /// </summary>
    /// <exception cref="IOException">The file cannot be created or is not a regular file; the message names <paramref name="path"/> and why.</exception>
    public static void Write(string path, Action<Stream> write) => Replace(path, temporary =>
    {
        using var file = new FileStream(temporary, FileMode.Open, FileAccess.Write);
        write(file);
        file.Flush(flushToDisk: true);
    });

    /// <summary>
    /// <see cref="Write"/> for writers that take a path (e.g. libtorch's own serialisation): <paramref name="write"/>
    /// writes the whole file at the temporary path it is given.
    /// </summary>
    /// <exception cref="IOException">As <see cref="Write"/>.</exception>
    public static void Replace(string path, Action<string> write)
    {
        var destination = Destination(path);
        var temporary = CreateTemporary(path, destination);
        try
        {
            write(temporary);
            if (File.Exists(destination) && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(destination)); // a 0600 checkpoint stays 0600
            }
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The file to replace for <paramref name="path"/>: itself, or a symbolic link's final target; refused when not a regular file.</summary>
    private static string Destination(string path)
    {
        var destination = Path.GetFullPath(path);
        if (new FileInfo(destination).LinkTarget is not null)
        {
            destination = new FileInfo(destination).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? destination;
        }
        if (Directory.Exists(destination))
        {
            throw new IOException($"cannot write {path}: it is a folder");
        }
        if (File.Exists(destination) && !FileKind.IsRegular(destination))
        {
            throw new IOException($"cannot write {path}: it is not a regular file (a device, pipe or socket), and it is not replaced");
        }
        return destination;
    }

    /// <summary>A new, empty file beside <paramref name="destination"/> with a name no other file has (never a user's own <c>.tmp</c>).</summary>
    private static string CreateTemporary(string path, string destination)
    {
        var folder = Path.GetDirectoryName(destination) ?? ".";
        var temporary = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        try
        {
            new FileStream(temporary, FileMode.CreateNew, FileAccess.Write).Dispose(); // CreateNew: never an existing file
            return temporary;
        }
        catch (DirectoryNotFoundException e)
        {
            throw new IOException($"cannot write {path}: its folder {folder} does not exist", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot write {path}: permission denied in its folder", e);
        }
    }
}

/// <summary>What kind of file a path is, where .NET does not say (its attributes call a device or a pipe "Normal").</summary>
internal static class FileKind
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint TypeMask = 0x0001; // STATX_TYPE

    /// <summary>
    /// Whether <paramref name="path"/> (links followed) is a regular file. On Linux, from <c>statx</c>, whose layout is
    /// the same on every architecture; elsewhere, or where the C library has no <c>statx</c>, every existing non-folder is.
    /// </summary>
    public static bool IsRegular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }
        var buffer = new byte[256];
        try
        {
            if (statx(CurrentDirectory, path, 0, TypeMask, buffer) != 0)
            {
                return true; // cannot tell: the write itself will report what is wrong
            }
        }
        catch (EntryPointNotFoundException)
        {
            return true;
        }
        var mode = BitConverter.ToUInt16(buffer, 28); // stx_mode
        return (mode & 0xF000) == 0x8000; // S_IFMT == S_IFREG
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
