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
        Assert.Equal(2, examples.Length);
        Assert.All(examples, example => Assert.Empty(SpecCompiler.Compile(example).Diagnostics));
        // The showcase uses every statement and option of the language.
        var showcase = SpecCompiler.Compile(examples[0]);
        Assert.Equal(new[] { "Small", "Phi2", "NoHead" }, showcase.Networks.Select(n => n.Variant));
    }

    [Fact]
    public void The_runtime_tests_instantiate_exactly_the_guides_showcase() =>
        Assert.Equal(Examples("dsl.md")[0], File.ReadAllText(Repository.PathOf("tests", "EffNetGen.Runtime.Tests", "Specs", "showcase.effnet")));

    [Fact]
    public void The_authoring_guides_worked_example_compiles_to_torchvisions_MobileNetV2()
    {
        var example = Examples("dsl.md").Last();

        var compilation = SpecCompiler.Compile(example);

        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(TorchvisionReference.MobileNetV2, Assert.Single(compilation.Networks).Parameters);
    }

    [Fact]
    public void The_guides_worked_example_is_the_shipped_MobileNetV2()
    {
        var shipped = SpecCompiler.Compile(File.ReadAllText(Repository.PathOf("specs", "mobilenet.effnet"))).Networks.Single(n => n.ClassName == "MobileNetV2W100");
        var example = SpecCompiler.Compile(Examples("dsl.md").Last()).Networks.Single();
        Assert.Equal(shipped.Plan with { Name = example.Plan.Name }, example.Plan);
    }
}
