using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EffNetGen.Generator.Tests;

public class CachingTests
{
    private static readonly string[] AllSteps =
    {
        TrackingNames.Options, TrackingNames.SpecFiles, TrackingNames.Compiled,
        TrackingNames.Diagnostics, TrackingNames.Models, TrackingNames.Conflicts, TrackingNames.Registry,
    };

    private static readonly InMemoryText SpecA = new("/p/a.effnet", GeneratorHarness.ShippedSpec("efficientnet.effnet"));
    private static readonly InMemoryText SpecB = new("/p/b.effnet", """
        family Tiny {
          stem conv k3 s2 c8
          stage mbconv k3 s1 e1 c8 r1 se0.25
          head conv k1 c16
          variant A { resolution 32 }
        }
        """);

    [Fact]
    public void Adding_a_csharp_file_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(SpecA, SpecB).RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }")));

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in AllSteps)
        {
            Assert.All(steps[name].SelectMany(s => s.Outputs), o =>
                Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
        }
        Assert.All(driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_one_spec_leaves_the_other_specs_steps_cached()
    {
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(SpecA, SpecB).RunGenerators(compilation);
        var editedB = new InMemoryText(SpecB.Path, SpecB.GetText()!.ToString().Replace("resolution 32", "resolution 64"));

        driver = driver.ReplaceAdditionalText(SpecB, editedB).RunGenerators(compilation);

        var compiled = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Compiled];
        Assert.Equal(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Modified },
            compiled.Select(s => s.Outputs.Single().Reason));
        // The 10 EfficientNet classes are not re-emitted; only Tiny's class changes.
        var models = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(10, models.Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Equal(1, models.Count(o => o.Reason == IncrementalStepRunReason.Modified));
    }

    [Fact]
    public void A_training_override_regenerates_only_its_variant()
    {
        // The recipe is part of the pipeline model: an edit to it must re-emit the class that carries it, and only that one.
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(SpecA, SpecB).RunGenerators(compilation);
        var text = SpecA.GetText()!.ToString();
        Assert.Contains("variant B3 { width 1.2  depth 1.4  resolution 300  dropout 0.3 ", text);
        var edited = new InMemoryText(SpecA.Path, text.Replace("variant B3 { width 1.2  depth 1.4  resolution 300  dropout 0.3 ",
            "variant B3 { width 1.2  depth 1.4  resolution 300  dropout 0.3  training { lr 0.1 } "));

        driver = driver.ReplaceAdditionalText(SpecA, edited).RunGenerators(compilation);

        var models = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(10, models.Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        var modified = Assert.Single(models, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("EfficientNetB3", modified.Value.ToString());
    }

    [Fact]
    public void An_edit_that_changes_nothing_resolved_stops_at_the_compile_step()
    {
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(SpecB).RunGenerators(compilation);
        var commented = new InMemoryText(SpecB.Path, SpecB.GetText()!.ToString().Replace("variant A", "// a comment\n  variant A"));

        driver = driver.ReplaceAdditionalText(SpecB, commented).RunGenerators(compilation);

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.Equal(IncrementalStepRunReason.Modified, steps[TrackingNames.SpecFiles].Single().Outputs.Single().Reason);
        Assert.All(steps[TrackingNames.Models].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Theory]
    [InlineData("efficientnet.effnet")]
    [InlineData("tf_efficientnet.effnet")]
    [InlineData("efficientnet_lite.effnet")]
    [InlineData("efficientnet_edgetpu.effnet")]
    [InlineData("efficientnet_v2.effnet")]
    [InlineData("mobilenet.effnet")]
    public void Compiling_a_spec_twice_gives_equal_models(string spec)
    {
        var options = SpecFileCompiler.Options(new OptionsProvider(new Dictionary<string, string>()).GlobalOptions);
        var file = new EffNetGen.Generator.Models.SpecFile("/p/" + spec, GeneratorHarness.ShippedSpec(spec));

        var (first, second) = (SpecFileCompiler.Compile(file, options, default), SpecFileCompiler.Compile(file, options, default));

        Assert.NotSame(first, second);
        Assert.NotEmpty(first.Models);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void Pipeline_models_hold_no_compilation_symbols_syntax_or_additional_texts()
    {
        var driver = GeneratorHarness.Driver(SpecA, SpecB).RunGenerators(GeneratorHarness.Compilation());
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in AllSteps)
        {
            foreach (var output in steps[name].SelectMany(s => s.Outputs))
            {
                AssertNoBannedTypes(output.Value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static readonly Type[] Banned =
        { typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(AdditionalText), typeof(Diagnostic), typeof(Location) };

    private static void AssertNoBannedTypes(object? value, string step, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }
        var type = value.GetType();
        Assert.False(Banned.Any(b => b.IsAssignableFrom(type)), $"step {step} carries a {type.Name}");
        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                AssertNoBannedTypes(item, step, seen);
            }
            return;
        }
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoBannedTypes(field.GetValue(value), step, seen);
        }
    }
}
