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
    public static void Write(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        try
        {
            using (var file = File.Create(temporary))
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
}
