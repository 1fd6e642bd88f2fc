using System;
using System.IO;

namespace EffNetGen.Formats;

/// <summary>Writes a file whole or not at all: into a temporary file beside it, then moved into place.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with a stream to a temporary file and moves it to <paramref name="path"/> when it
    /// returns; if it throws, <paramref name="path"/> is left as it was and the temporary file is removed.
    /// </summary>
    /// <exception cref="IOException">The file cannot be created; the message names <paramref name="path"/> and why.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        var file = Create(path, temporary);
        try
        {
            using (file)
            {
                write(file);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The temporary file, or an error about <paramref name="path"/> (the temporary file is an implementation detail).</summary>
    private static FileStream Create(string path, string temporary)
    {
        try
        {
            return File.Create(temporary);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new IOException($"cannot write {path}: its folder {Path.GetDirectoryName(Path.GetFullPath(path))} does not exist", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot write {path}: permission denied in its folder", e);
        }
    }
}
