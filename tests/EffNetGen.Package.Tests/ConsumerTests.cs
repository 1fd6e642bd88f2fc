using System.IO;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Package.Tests;

/// <summary>A brand-new console project that uses EffNetGen from packages alone, as a user would.</summary>
[Collection(PackedFeedCollection.Name)]
public class ConsumerTests(PackedFeed feed)
{
    [Fact]
    public void A_new_console_app_gets_models_generated_from_a_dropped_in_spec()
    {
        var app = feed.NewConsoleApp("App");
        ProcessRunner.Succeed("dotnet", $"add package libtorch-cpu-linux-x64 --version {feed.LibTorchVersion}", app);
        File.Copy(Repository.PathOf("specs", "efficientnet.effnet"), Path.Combine(app, "efficientnet.effnet"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using App;
            using var model = new EfficientNetB0();
            var counted = model.parameters().Sum(p => p.numel());
            Console.WriteLine($"constant={EfficientNetB0.ParameterCount} counted={counted} registry={EffNetModels.All.Count}");
            """);

        var output = ProcessRunner.Succeed("dotnet", "run", app);

        // The spec was picked up without any project edit (buildTransitive AdditionalFiles), the class
        // landed in the project's RootNamespace, and TorchSharp's native library loaded on this host.
        Assert.Contains("constant=5288548 counted=5288548 registry=10", output);
    }

    [Fact]
    public void The_readme_quick_start_runs_as_written()
    {
        var readme = File.ReadAllText(Repository.PathOf("README.md")).Replace("\r\n", "\n");
        var start = readme.IndexOf("`Program.cs`:\n\n```csharp\n", System.StringComparison.Ordinal);
        Assert.True(start >= 0, "the README's quick start has a Program.cs block");
        start = readme.IndexOf('\n', readme.IndexOf("```csharp", start, System.StringComparison.Ordinal)) + 1;
        var program = readme[start..readme.IndexOf("```", start, System.StringComparison.Ordinal)];
        var app = feed.NewConsoleApp("Vision");
        ProcessRunner.Succeed("dotnet", $"add package libtorch-cpu-linux-x64 --version {feed.LibTorchVersion}", app);
        File.Copy(Repository.PathOf("specs", "efficientnet.effnet"), Path.Combine(app, "efficientnet.effnet"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);

        var output = ProcessRunner.Succeed("dotnet", "run", app);

        Assert.Contains("efficientnet_b0: 5288548 parameters, logits [1, 1000]", output); // torchvision's count
    }

    [Fact]
    public void A_broken_spec_fails_the_consumers_build_at_its_line_and_column()
    {
        var app = feed.NewConsoleApp("Broken");
        File.WriteAllText(Path.Combine(app, "broken.effnet"), SampleSpecs.BrokenStride);

        var (exitCode, output) = ProcessRunner.Run("dotnet", "build", app);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("broken.effnet" + SampleSpecs.BrokenStrideDiagnostic, output);
    }
}
