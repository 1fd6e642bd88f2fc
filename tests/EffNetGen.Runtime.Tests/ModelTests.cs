using System;
using System.Linq;
using EffNetGen.Runtime.Blocks;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

public class ModelTests
{
    private static long CountParameters(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Theory]
    [MemberData(nameof(TorchvisionReference.ParameterCounts), MemberType = typeof(TorchvisionReference))]
    public void Instantiated_parameters_equal_torchvision_and_the_generated_constant(string variant, long torchvision)
    {
        var info = EffNetModels.Find("efficientnet_" + variant.ToLowerInvariant())!;
        using var model = info.Create();

        Assert.Equal(torchvision, CountParameters(model));
        Assert.Equal(torchvision, info.ParameterCount);
    }

    [Fact]
    public void Constants_of_the_generated_classes_are_the_papers_and_the_registry_creates_the_named_class()
    {
        using (var created = EffNetModels.Find("EfficientNetB0")!.Create(device: META))
        {
            Assert.IsType<EfficientNetB0>(created);
        }
        Assert.Equal((224, 600), (EfficientNetB0.Resolution, EfficientNetB7.Resolution));
        Assert.Equal((1.8, 2.6, 0.5), (EfficientNetB6.Width, EfficientNetB6.Depth, EfficientNetB6.Dropout));
        Assert.Equal(10, EffNetModels.All.Count(i => i.Family == "EfficientNet"));
    }

    [Fact]
    public void B0_state_dict_has_torchvisions_360_keys()
    {
        using var model = new EfficientNetB0();
        var state = model.state_dict();

        Assert.Equal(360, state.Count);
        Assert.Equal(213, model.named_parameters().Count());
        Assert.Equal(147, model.named_buffers().Count());
        foreach (var key in new[]
        {
            "features.0.0.weight", "features.0.1.running_var", "features.1.0.block.0.0.weight",
            "features.1.0.block.1.fc1.weight", "features.1.0.block.2.0.weight", "features.2.0.block.0.0.weight",
            "features.2.0.block.2.fc2.bias", "features.2.0.block.3.1.num_batches_tracked", "features.8.0.weight",
            "classifier.1.bias",
        })
        {
            Assert.True(state.ContainsKey(key), key);
        }
        Assert.Equal(new long[] { 4, 96, 1, 1 }, state["features.2.0.block.2.fc1.weight"].shape);
        Assert.Equal(new long[] { 1000, 1280 }, state["classifier.1.weight"].shape);
    }

    [Theory]
    [InlineData("efficientnet_b0", 224)]
    [InlineData("efficientnet_b1", 240)]
    public void Eval_forward_gives_one_logit_row_per_image(string name, int resolution)
    {
        using var model = EffNetModels.Create(name);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var logits = model.call(randn(1, 3, resolution, resolution));

        Assert.Equal(new long[] { 1, 1000 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    [Fact]
    public void Training_forward_and_backward_reach_every_parameter()
    {
        using var model = new EfficientNetB0(numClasses: 10);
        model.train();
        using var scope = NewDisposeScope();

        var loss = nn.functional.cross_entropy(model.call(randn(2, 3, 64, 64)), tensor(new long[] { 1, 7 }));
        loss.backward();

        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.grad is not null, p.name));
        Assert.Equal(EfficientNetB0.ParameterCount - (1281L * 1000) + (1281L * 10), CountParameters(model));
    }

    [Fact]
    public void BatchNorm_settings_follow_the_variant()
    {
        using var b4 = new EfficientNetB4();
        using var b5 = new EfficientNetB5();
        var bn4 = b4.modules().OfType<TorchSharp.Modules.BatchNorm2d>().First();
        var bn5 = b5.modules().OfType<TorchSharp.Modules.BatchNorm2d>().First();

        Assert.Equal((1e-5, 0.1), (bn4.eps, bn4.momentum!.Value));
        Assert.Equal((1e-3, 0.01), (bn5.eps, bn5.momentum!.Value));
    }

    [Fact]
    public void Registry_rejects_unknown_names_with_the_list_of_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => EffNetModels.Create("efficientnet_b9"));
        Assert.Contains("efficientnet_b0", error.Message);
        Assert.IsType<EfficientNetB3>(EffNetModels.Create("EFFICIENTNET_B3"));
    }

    [Fact]
    public void Stochastic_depth_drops_whole_samples_in_training_and_is_identity_in_eval()
    {
        using var layer = new StochasticDepth(0.5);
        using var scope = NewDisposeScope();
        manual_seed(1);
        var input = ones(64, 3, 2, 2);

        layer.train();
        var perSample = layer.call(input).reshape(64, -1);
        // Each sample is either all zeros or all 1/(1-p) = 2.
        Assert.True(perSample.eq(perSample[.., 0].unsqueeze(1)).all().item<bool>());
        var kept = perSample[.., 0].eq(2.0).sum().item<long>();
        Assert.InRange(kept, 1, 63);

        layer.eval();
        Assert.True(layer.call(input).eq(input).all().item<bool>());
    }
}
