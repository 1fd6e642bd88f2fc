using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using EffNetGen.Formats;
using EffNetGen.Tests.Shared;

namespace EffNetGen.OnnxRuntime.Tests;

/// <summary>
/// Issue 21, D6: <see cref="AtomicFile"/> renamed <c>path.tmp</c> over <c>path</c>: a device node or a symbolic link
/// was replaced by a regular file, a 0600 file became 0644, and a user's own <c>.tmp</c> file was overwritten and deleted.
/// It writes every safetensors, checkpoint, ONNX and Hugging Face cache file.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // links, modes, devices and pipes as Linux has them
public class AtomicFileTests
{
    private static void WriteText(string path, string text) => AtomicFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void A_symbolic_link_stays_a_link_and_its_target_gets_the_new_content()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.PathOf("real.onnx"), "old");
        File.CreateSymbolicLink(folder.PathOf("link.onnx"), "real.onnx");

        WriteText(folder.PathOf("link.onnx"), "new");

        Assert.Equal("real.onnx", new FileInfo(folder.PathOf("link.onnx")).LinkTarget);
        Assert.Equal("new", File.ReadAllText(folder.PathOf("real.onnx")));
    }

    [Fact]
    public void An_existing_files_permissions_are_kept()
    {
        using var folder = new TempDirectory();
        var path = folder.PathOf("checkpoint.safetensors");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        WriteText(path, "new");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void A_users_own_tmp_file_is_left_alone_and_no_temporary_file_remains()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.PathOf("out.onnx.tmp"), "mine");

        WriteText(folder.PathOf("out.onnx"), "model");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(folder.PathOf("out.onnx"), _ => throw new InvalidOperationException("interrupted")));

        Assert.Equal("mine", File.ReadAllText(folder.PathOf("out.onnx.tmp")));
        Assert.Equal("model", File.ReadAllText(folder.PathOf("out.onnx"))); // the failed write kept the previous file
        Assert.Equal(new[] { "out.onnx", "out.onnx.tmp" }, folder.Info.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_device_a_pipe_or_a_folder_is_refused_and_never_replaced()
    {
        using var folder = new TempDirectory();
        Process.Start("mkfifo", folder.PathOf("pipe"))!.WaitForExit();
        Directory.CreateDirectory(folder.PathOf("folder"));

        var device = Assert.Throws<IOException>(() => WriteText("/dev/null", "x"));
        var pipe = Assert.Throws<IOException>(() => WriteText(folder.PathOf("pipe"), "x"));
        var directory = Assert.Throws<IOException>(() => WriteText(folder.PathOf("folder"), "x"));

        Assert.Equal("cannot write /dev/null: it is not a regular file (a device, pipe or socket), and it is not replaced", device.Message);
        Assert.Contains("pipe: it is not a regular file", pipe.Message);
        Assert.Contains("folder: it is a folder", directory.Message);
        Assert.Equal(new[] { "folder", "pipe" }, folder.Info.GetFileSystemInfos().Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, new FileInfo("/dev/null").Length);
    }
}
