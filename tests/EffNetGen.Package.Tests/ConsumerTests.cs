using System;
using System.IO;
using System.Linq;
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

        var output = ProcessRunner.Succeed("dotnet", "run -p:EffNetGenPyTorch=true", app);

        // The spec was picked up without any project edit (buildTransitive AdditionalFiles), the class
        // landed in the project's RootNamespace, and TorchSharp's native library loaded on this host.
        Assert.Contains("constant=5288548 counted=5288548 registry=10", output);
        // EffNetGenPyTorch: the package's MSBuild task wrote what `effnet generate --target pytorch` writes, beside the assembly.
        var written = Path.Combine(app, "bin", "Debug", "net10.0", "pytorch");
        using var expected = new TempDirectory();
        var cli = Repository.PathOf("src", "Cli", "bin", Repository.Configuration, "net8.0", "effnet.dll");
        ProcessRunner.Succeed("dotnet", $"\"{cli}\" generate efficientnet.effnet -o \"{expected.Path}\" --target pytorch", app);
        Assert.Equal(new[] { "efficientnet.py", "effnet_train.py" }, Directory.GetFiles(written).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(Directory.GetFiles(written), f => Assert.Equal(File.ReadAllText(Path.Combine(expected.Path, Path.GetFileName(f))), File.ReadAllText(f)));
    }

    [Fact]
    public void A_serving_app_classifies_an_image_on_ONNX_Runtime_without_TorchSharp()
    {
        var app = feed.NewConsoleApp("Serving", "EffNetGen.OnnxRuntime");
        File.Copy(Repository.PathOf("tests", "fixtures", "images", "landscape.jpg"), Path.Combine(app, "landscape.jpg"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using EffNetGen.Formats;
            using EffNetGen.OnnxRuntime;
            using EffNetGen.OnnxRuntime.Imaging;

            var network = ShippedModels.Find("efficientnet_lite0");
            using var classifier = new ImageClassifier(network.Plan, new Waves(network.Plan), EvalTransform.For(network.Preprocess));
            var top = classifier.Classify("landscape.jpg", top: 1).Top[0];
            var torch = AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name!.StartsWith("TorchSharp", StringComparison.Ordinal));
            Console.WriteLine($"classes={classifier.Plan.Classes} label={top.Label} torchsharp={torch}");

            /// <summary>Deterministic small weights: enough to run the graph.</summary>
            sealed class Waves(EffNetGen.Architecture.NetworkPlan plan) : WeightSource
            {
                private readonly Dictionary<string, long[]> _shapes = plan.Tensors().ToDictionary(t => t.Name, t => t.Shape.ToArray());
                public override string Origin => "waves";
                public override IEnumerable<string> Names => _shapes.Keys;
                public override long[]? ShapeOf(string name) => _shapes.GetValueOrDefault(name);
                public override float[] Read(string name) => Enumerable.Range(0, (int)_shapes[name].Aggregate(1L, (p, d) => p * d))
                    .Select(i => name.EndsWith("running_var") ? 1f : (float)(0.05 * Math.Sin(i * 0.7 + name.Length))).ToArray();
            }
            """);

        var output = ProcessRunner.Succeed("dotnet", "run", app);

        Assert.Matches(@"classes=1000 label=\S.* torchsharp=False", output);
        Assert.DoesNotContain("torchsharp", File.ReadAllText(Path.Combine(app, "obj", "project.assets.json")), System.StringComparison.OrdinalIgnoreCase);
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
