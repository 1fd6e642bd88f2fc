using System.IO;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Package.Tests;

/// <summary>The effnet tool installed from the packed feed, as `dotnet tool install` gives it to a user.</summary>
[Collection(PackedFeedCollection.Name)]
public class ToolTests(PackedFeed feed)
{
    [Fact]
    public void The_installed_tool_checks_tabulates_and_exports_specs()
    {
        var tools = Path.Combine(feed.Directory.FullName, "tools");
        ProcessRunner.Succeed("dotnet", $"tool install EffNetGen.Cli --version {feed.Version} --tool-path \"{tools}\"", feed.Directory.FullName);
        var effnet = Path.Combine(tools, "effnet");
        var broken = Path.Combine(feed.Directory.FullName, "broken.effnet");
        File.WriteAllText(broken, "family F {\n  stem conv k3 s2 c32 act\n}\n");

        Assert.Contains("ok, 10 variant(s)", ProcessRunner.Succeed(effnet, $"check \"{Repository.PathOf("specs", "efficientnet.effnet")}\"", feed.Directory.FullName));
        Assert.Contains("\"params\": 66347960", ProcessRunner.Succeed(effnet, $"table \"{Repository.PathOf("specs", "efficientnet.effnet")}\" --json", feed.Directory.FullName));
        // The tool carries the ONNX writer (and no libtorch): a model straight from the spec.
        var onnx = Path.Combine(feed.Directory.FullName, "b0.onnx");
        Assert.Contains("5,288,548 parameters", ProcessRunner.Succeed(effnet, $"export-onnx \"{Repository.PathOf("specs", "efficientnet.effnet")}\" B0 -o \"{onnx}\"", feed.Directory.FullName));
        Assert.True(new FileInfo(onnx).Length > 20_000_000);
        var (exitCode, output) = ProcessRunner.Run(effnet, $"check \"{broken}\"", feed.Directory.FullName);
        Assert.Equal(1, exitCode);
        Assert.Contains("broken.effnet(2,26): error EFF0001: unexpected end of line; expected number, identifier or '{'", output);
    }
}
