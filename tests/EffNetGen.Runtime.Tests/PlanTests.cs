using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Dsl;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// One plan: the resolver's (which the effnet tool exports from, without TorchSharp) is the value the generated class
/// builds from and the model reports (<see cref="EfficientNetModule.Plan"/>, which the runtime exports from), and it
/// describes the modules TorchSharp actually has, for every shipped variant.
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
    public void The_resolvers_plan_is_the_generated_models_plan_for_every_shipped_variant()
    {
        Assert.Equal(EffNetModels.All.Count, EffNetModels.All.Count(info => Networks.Value.ContainsKey(ClassOf(info))));
        Assert.All(EffNetModels.All, info =>
        {
            using var model = info.Create(device: META);
            Assert.Equal(Networks.Value[ClassOf(info)].Plan, model.Plan); // by value: every unit, layer, width, path and name
        });
    }

    [Fact]
    public void Options_change_the_plan_only_where_they_apply()
    {
        using var model = new EfficientNetB0(new ModelOptions { InChannels = 1, NumClasses = 10, Device = META });
        Assert.Equal(EfficientNetB0.Blueprint.WithInputChannels(1).WithClasses(10), model.Plan);
        model.ResetClassifier(7);
        Assert.Equal(7, model.Plan.Classes);
    }

    [Fact]
    public void A_plans_tensors_are_the_models_state_dict_and_its_parameter_count_the_generated_constant()
    {
        Assert.All(EffNetModels.All, info =>
        {
            using var model = info.Create(device: META);
            var plan = model.Plan;
            var stateDict = model.state_dict().Where(p => !p.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => p.Value.shape);

            Assert.Equal(stateDict.Keys.Order(StringComparer.Ordinal), plan.Tensors().Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.All(plan.Tensors(), t => Assert.Equal(stateDict[t.Name], t.Shape));
            Assert.All(plan.Tensors(), t => Assert.Equal(t.Learnable, model.named_parameters().Any(p => p.name == t.Name)));
            Assert.Equal(info.ParameterCount, plan.Parameters);
            Assert.Equal(info.ParameterCount, model.parameters().Sum(p => p.numel()));
        });
    }

    [Theory]
    [InlineData("efficientnet_b0")]
    [InlineData("mobilenet_v3_large")] // one features child per block
    public void Feature_levels_of_a_plan_are_the_maps_Features_returns(string name)
    {
        using var model = EffNetModels.Create(name);
        model.eval();
        using var input = randn(1, 3, 64, 64);
        var maps = model.Features(input);

        var units = model.Plan.FeatureLevelUnits().Select(i => model.Plan.Units[i]).ToList();

        Assert.Equal(maps.Select(m => m.shape[1]), model.FeatureLevels.Select(l => (long)l.Channels));
        Assert.Equal(maps.Select(m => m.shape[1]), units.Select(u => (long)u.OutputChannels));
        Assert.Equal(maps.Select(m => 64 / m.shape[2]), model.FeatureLevels.Select(l => (long)l.Stride));
        foreach (var map in maps)
        {
            map.Dispose();
        }
    }
}
