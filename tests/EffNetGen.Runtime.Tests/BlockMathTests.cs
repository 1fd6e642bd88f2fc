using System.Collections.Generic;
using System.Linq;
using EffNetGen.Runtime.Blocks;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// The blocks against the MBConv equations written out with functional ops, with random weights and
/// non-trivial BatchNorm statistics (fresh BatchNorm is the identity and would hide mistakes).
/// </summary>
public class BlockMathTests
{
    private static readonly NormSettings Norm = new(1e-3, 0.01);

    [Theory]
    [InlineData(8, 32, 2, 8, 3, 1, Gate.Sigmoid)]       // expansion, residual
    [InlineData(8, 8, 2, 16, 5, 2, Gate.Sigmoid)]       // expansion ratio 1: no expansion conv; downsampling, no residual
    [InlineData(8, 32, 2, 8, 3, 1, Gate.HardSigmoid)]   // MobileNetV3's gate
    public void Inverted_residual_and_depthwise_separable_blocks_compute_expand_depthwise_se_project_and_residual(
        int input, int expanded, int squeeze, int output, int kernel, int stride, Gate gate)
    {
        using var block = Block(plan => expanded != input
            ? plan.InvertedResidual(expanded, output, kernel, stride, Activation.SiLU, squeeze, gate)
            : plan.DepthwiseSeparable(output, kernel, stride, Activation.SiLU, squeeze, gate), input);
        block.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(7);
        var state = Randomize(block);
        var x = randn(2, input, 9, 9);

        var prefix = "block.";
        var layer = 0;
        var h = x;
        if (expanded != input)
        {
            h = F.silu(ConvBn(h, state, $"{prefix}{layer++}", 1, 1));
        }
        h = F.silu(ConvBn(h, state, $"{prefix}{layer++}", stride, expanded));
        var s = F.adaptive_avg_pool2d(h, 1);
        s = F.silu(F.conv2d(s, state[$"{prefix}{layer}.fc1.weight"], state[$"{prefix}{layer}.fc1.bias"]));
        s = F.conv2d(s, state[$"{prefix}{layer}.fc2.weight"], state[$"{prefix}{layer}.fc2.bias"]);
        s = gate == Gate.Sigmoid ? F.sigmoid(s) : F.relu6(s + 3) / 6;
        h = h * s;
        layer++;
        h = ConvBn(h, state, $"{prefix}{layer}", 1, 1); // linear bottleneck: no activation
        var expected = stride == 1 && input == output ? h + x : h;

        var actual = block.call(x);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(stride == 1 && input == output, block.Unit.Residual);
    }

    [Theory]
    [InlineData(8, 32, 4, 8, 3, 1)]   // expansion conv with SE (timm's EdgeResidual), residual
    [InlineData(8, 32, 0, 16, 3, 2)]  // expansion conv without SE, downsampling (torchvision's FusedMBConv)
    [InlineData(8, 0, 0, 8, 3, 1)]    // e = 1: a single k×k conv, residual
    public void Edge_residual_and_conv_blocks_compute_expand_se_project_and_residual(int input, int expanded, int squeeze, int output, int kernel, int stride)
    {
        using var block = Block(plan => expanded == 0
            ? plan.ConvNormAct(output, kernel, stride, Activation.SiLU)
            : plan.EdgeResidual(expanded, output, kernel, stride, Activation.SiLU, squeeze > 0 ? squeeze : null), input);
        block.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(11);
        var state = Randomize(block);
        var x = randn(2, input, 9, 9);

        Tensor h;
        if (expanded == 0)
        {
            h = F.silu(ConvBn(x, state, "block.0", stride, 1));
        }
        else
        {
            h = F.silu(ConvBn(x, state, "block.0", stride, 1));
            if (squeeze > 0)
            {
                var s = F.adaptive_avg_pool2d(h, 1);
                s = F.silu(F.conv2d(s, state["block.1.fc1.weight"], state["block.1.fc1.bias"]));
                h = h * F.sigmoid(F.conv2d(s, state["block.1.fc2.weight"], state["block.1.fc2.bias"]));
            }
            h = ConvBn(h, state, squeeze > 0 ? "block.2" : "block.1", 1, 1);
        }
        var expected = stride == 1 && input == output ? h + x : h;

        Assert.True(block.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    /// <summary>The block a plan builder call makes after a stem of <paramref name="input"/> channels, as the runtime builds it.</summary>
    private static ResidualBlock Block(System.Func<PlanBuilder, PlanBuilder> add, int input)
    {
        var plan = add(new PlanBuilder("Test", 9, Norm, Architecture.Padding.Symmetric).Stem(input, 1, 1, Activation.SiLU).Stage()).Build(1, 0, 0.5);
        return new ResidualBlock(plan.Units[1], Norm, stochasticDepth: 0.5);
    }

    private static Tensor ConvBn(Tensor x, IDictionary<string, Tensor> state, string name, long stride, long groups)
    {
        var weight = state[$"{name}.0.weight"];
        var y = F.conv2d(x, weight, null, strides: new[] { stride }, padding: new[] { (weight.shape[2] - 1) / 2 }, groups: groups);
        return F.batch_norm(y, state[$"{name}.1.running_mean"], state[$"{name}.1.running_var"],
            state[$"{name}.1.weight"], state[$"{name}.1.bias"], training: false, momentum: Norm.Momentum, eps: Norm.Eps);
    }

    private static Dictionary<string, Tensor> Randomize(nn.Module module)
    {
        RandomWeights.Apply(module);
        return module.state_dict().ToDictionary(s => s.Key, s => s.Value);
    }
}
