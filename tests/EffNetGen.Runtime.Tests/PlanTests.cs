using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Cli.Onnx;
using EffNetGen.Dsl;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Formats;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// The effnet tool describes a variant's model from the spec alone (<see cref="SpecPlan"/>); it must be the model the
/// generated class builds (<see cref="ModelPlan"/>, read from the modules), layer for layer, for every shipped variant.
/// </summary>
public class PlanTests
{
    /// <summary>Every network of the specs the generated classes of this assembly come from, by class name.</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, ResolvedNetwork>> Networks = new(() =>
        Directory.GetFiles(Repository.PathOf("specs"), "*.effnet", SearchOption.AllDirectories)
            .Append(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Specs", "showcase.effnet"))
            .SelectMany(path => SpecCompiler.Compile(File.ReadAllText(path)).Networks)
            .ToDictionary(n => n.ClassName, StringComparer.Ordinal));

    /// <summary>The class name without its namespace.</summary>
    private static string ClassOf(ModelInfo info) => info.TypeName[(info.TypeName.LastIndexOf('.') + 1)..];

    [Fact]
    public void The_spec_plan_is_the_generated_models_plan_for_every_shipped_variant()
    {
        Assert.Equal(EffNetModels.All.Count, EffNetModels.All.Count(info => Networks.Value.ContainsKey(ClassOf(info))));
        Assert.All(EffNetModels.All, info =>
        {
            using var model = info.Create(device: META);
            var expected = ModelPlan.Of(model);
            var actual = SpecPlan.Of(Networks.Value[ClassOf(info)]);

            Assert.Equal((expected.Name, expected.InputChannels, expected.FeatureChannels, expected.Classes, expected.Units.Count),
                (actual.Name, actual.InputChannels, actual.FeatureChannels, actual.Classes, actual.Units.Count));
            foreach (var (e, a) in expected.Units.Zip(actual.Units))
            {
                Assert.Equal((e.Path, e.Residual, e.FeatureLevel), (a.Path, a.Residual, a.FeatureLevel));
                Assert.Equal(e.Layers, a.Layers); // records: kinds, widths, kernel, stride, groups, padding, eps, activation
            }
        });
    }

    [Fact]
    public void A_plans_tensors_are_the_models_state_dict_and_its_parameter_count_the_generated_constant()
    {
        Assert.All(EffNetModels.All, info =>
        {
            using var model = info.Create(device: META);
            var plan = ModelPlan.Of(model);
            var stateDict = model.state_dict().Where(p => !p.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => p.Value.shape);

            Assert.Equal(stateDict.Keys.Order(StringComparer.Ordinal), plan.Tensors().Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.All(plan.Tensors(), t => Assert.Equal(stateDict[t.Name], t.Shape));
            Assert.Equal(info.ParameterCount, plan.ParameterCount);
        });
    }

    [Fact]
    public void Feature_levels_of_a_plan_are_the_maps_Features_returns()
    {
        using var model = new EfficientNetB0();
        model.eval();
        using var input = randn(1, 3, 64, 64);
        var maps = model.Features(input);

        var levels = ModelPlan.Of(model).Units.Where(u => u.FeatureLevel).ToList();

        Assert.Equal(EfficientNetB0.FeatureChannels, levels.Select(u => u.Layers.OfType<ConvLayer>().Last().OutputChannels));
        Assert.Equal(maps.Select(m => m.shape[1]), levels.Select(u => (long)u.Layers.OfType<ConvLayer>().Last().OutputChannels));
        foreach (var map in maps)
        {
            map.Dispose();
        }
    }

    [Fact]
    public void Every_activation_of_the_runtime_and_the_DSL_has_a_plan_activation_of_the_same_name()
    {
        // ModelPlan and SpecPlan map activations by name.
        var planNames = Enum.GetNames<LayerActivation>();
        Assert.Subset(planNames.ToHashSet(), Enum.GetNames<Activation>().ToHashSet());
        Assert.Subset(planNames.ToHashSet(), Enum.GetNames<Dsl.Model.Activation>().ToHashSet());
    }
}
