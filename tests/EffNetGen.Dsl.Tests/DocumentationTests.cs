using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

/// <summary>The examples in the documentation are real specs.</summary>
public class DocumentationTests
{
    private static string[] Examples(string document) => Regex
        .Matches(File.ReadAllText(Repository.PathOf("docs", document)), "```effnet\\n(.*?)```", RegexOptions.Singleline)
        .Select(m => m.Groups[1].Value)
        .ToArray();

    [Fact]
    public void Every_example_of_the_authoring_guide_compiles_cleanly()
    {
        var examples = Examples("dsl.md");
        Assert.Equal(6, examples.Length);
        Assert.All(examples, example => Assert.Empty(SpecCompiler.Compile(example).Diagnostics));
        // The showcase uses every statement and option of the language.
        var showcase = SpecCompiler.Compile(examples[0]);
        Assert.Equal(new[] { "Small", "Phi2", "NoHead" }, showcase.Networks.Select(n => n.Variant));
    }

    [Fact]
    public void The_runtime_tests_instantiate_exactly_the_guides_showcase() =>
        Assert.Equal(Examples("dsl.md")[0], File.ReadAllText(Repository.PathOf("tests", "EffNetGen.Runtime.Tests", "Specs", "showcase.effnet")));

    private static string MobileNetV2Example() => Examples("dsl.md").Single(e => e.StartsWith("family MobileNetV2 ", System.StringComparison.Ordinal));

    [Fact]
    public void The_authoring_guides_worked_example_compiles_to_torchvisions_MobileNetV2()
    {
        var example = MobileNetV2Example();

        var compilation = SpecCompiler.Compile(example);

        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(TorchvisionReference.MobileNetV2, Assert.Single(compilation.Networks).Parameters);
    }

    [Fact]
    public void The_guides_worked_example_is_the_shipped_MobileNetV2()
    {
        var shipped = SpecCompiler.Compile(File.ReadAllText(Repository.PathOf("specs", "mobilenet.effnet"))).Networks.Single(n => n.ClassName == "MobileNetV2W100");
        var example = SpecCompiler.Compile(MobileNetV2Example()).Networks.Single();
        Assert.Equal(shipped.Plan with { Name = example.Plan.Name }, example.Plan);
    }

    /// <summary>The guide's mobile examples are the shipped networks, layer for layer (and so timm's counts, which the shipped specs pin).</summary>
    [Fact]
    public void The_guides_mobile_examples_are_the_shipped_networks()
    {
        var shipped = SpecCompiler.Compile(File.ReadAllText(Repository.PathOf("specs", "mobilenet.effnet"))).Networks.ToDictionary(n => n.ClassName);
        var examples = Examples("dsl.md").Skip(2).SelectMany(e => SpecCompiler.Compile(e).Networks).ToList();

        Assert.Equal(new[] { "MobileNetV3Large100", "MobileNetV3LargeTv100", "MixNetS", "MixNetS16", "MobileNetV4ConvSmall", "LcNet100" }, examples.Select(n => n.ClassName));
        Assert.All(examples.Where(n => shipped.ContainsKey(n.ClassName)), n => Assert.Equal(shipped[n.ClassName].Plan, n.Plan));
        var dilated = examples.Single(n => n.ClassName == "MixNetS16").Plan;
        Assert.Equal(shipped["MixNetS"].Parameters, dilated.Parameters);
        Assert.Contains(dilated.Units.SelectMany(u => u.Convolutions), c => c.Dilation == 2);
    }
}
