using System;
using System.Linq;
using EffNetGen.Runtime.Training;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Training;

/// <summary>The recipe's optimizers, schedule, loss and EMA against their formulas computed by hand.</summary>
public class OptimizerTests
{
    /// <summary>A one-weight model w·x with a BatchNorm after it (BatchNorm's parameters get no weight decay).</summary>
    private static nn.Module<Tensor, Tensor> Tiny(double weight)
    {
        var linear = nn.Linear(1, 1, hasBias: false);
        var norm = nn.BatchNorm1d(1);
        using (no_grad())
        {
            linear.weight!.fill_(weight);
        }
        return nn.Sequential(("linear", linear), ("norm", norm));
    }

    /// <summary>Sets d(loss)/dw = <paramref name="g"/> on the linear weight and 1 on BatchNorm's scale.</summary>
    private static void SetGradients(nn.Module<Tensor, Tensor> model, double g)
    {
        foreach (var (name, parameter) in model.named_parameters())
        {
            parameter.grad = name == "linear.weight" ? full_like(parameter, g) : name == "norm.weight" ? ones_like(parameter) : null;
        }
    }

    private static double Weight(nn.Module model, string name) => model.named_parameters().Single(p => p.name == name).parameter.item<float>();

    [Fact]
    public void RmsPropTF_follows_TensorFlows_update_with_epsilon_inside_the_root_and_mean_square_from_one()
    {
        using var model = Tiny(2.0);
        using var optimizer = new RmsPropTF(model, decay: 0.9, momentum: 0.9, epsilon: 0.001, weightDecay: 0.1);
        var (w, ms, m) = (2.0, 1.0, 0.0);
        foreach (var (g, lr) in new[] { (0.5, 0.1), (-0.25, 0.05), (1.0, 0.2) })
        {
            SetGradients(model, g);
            optimizer.LearningRate = lr;
            optimizer.Step();
            var decayed = g + (0.1 * w);
            ms = (0.9 * ms) + (0.1 * decayed * decayed);
            m = (0.9 * m) + (lr * decayed / Math.Sqrt(ms + 0.001));
            w -= m;
            Assert.Equal(w, Weight(model, "linear.weight"), 5);
        }
        // BatchNorm's scale: gradient 1 every step and no weight decay.
        var (s, sms, sm) = (1.0, 1.0, 0.0);
        foreach (var lr in new[] { 0.1, 0.05, 0.2 })
        {
            sms = (0.9 * sms) + 0.1;
            sm = (0.9 * sm) + (lr / Math.Sqrt(sms + 0.001));
            s -= sm;
        }
        Assert.Equal(s, Weight(model, "norm.weight"), 5);
    }

    [Fact]
    public void Momentum_SGD_follows_PyTorchs_update()
    {
        using var model = Tiny(1.0);
        using var optimizer = new MomentumSgd(model, momentum: 0.9, weightDecay: 0.01);
        var (w, buffer) = (1.0, 0.0);
        foreach (var (g, lr) in new[] { (0.5, 0.1), (0.5, 0.1), (-2.0, 0.01) })
        {
            SetGradients(model, g);
            optimizer.LearningRate = lr;
            optimizer.Step();
            buffer = (0.9 * buffer) + g + (0.01 * w);
            w -= lr * buffer;
            Assert.Equal(w, Weight(model, "linear.weight"), 5);
        }
    }

    [Fact]
    public void The_schedule_warms_up_linearly_then_decays_by_steps_of_the_recipe()
    {
        var recipe = EfficientNetB0.Training with { WarmupEpochs = 1, DecayEpochs = 2.4, LrDecay = 0.97 };
        var schedule = LearningRateSchedule.For(recipe, batchSize: 256, stepsPerEpoch: 10);

        Assert.Equal(0.032, schedule.BaseRate, 12); // 0.256 · 256 / 2048
        Assert.Equal(0.0, schedule.At(0));
        Assert.Equal(0.032 * 5 / 10, schedule.At(5), 12);
        Assert.Equal(0.032, schedule.At(10), 12);        // warm-up over; first decay after 24 steps
        Assert.Equal(0.032, schedule.At(23), 12);
        Assert.Equal(0.032 * 0.97, schedule.At(24), 12);
        Assert.Equal(0.032 * 0.97 * 0.97, schedule.At(48), 12);
    }

    [Fact]
    public void Label_smoothed_cross_entropy_is_the_smoothed_targets_cross_entropy()
    {
        using var logits = tensor(new[] { 2.0f, 0.5f, -1.0f, 0.0f, 1.0f, 3.0f }, new long[] { 2, 3 });
        using var labels = tensor(new long[] { 0, 1 });
        double Expected(double epsilon)
        {
            var rows = new[] { new[] { 2.0, 0.5, -1.0 }, new[] { 0.0, 1.0, 3.0 } };
            return rows.Select((row, i) =>
            {
                var logSum = Math.Log(row.Sum(Math.Exp));
                return -row.Select((v, k) => ((k == (int)labels[i].item<long>() ? 1 - epsilon : 0) + (epsilon / 3)) * (v - logSum)).Sum();
            }).Average();
        }

        using var smoothed = LabelSmoothing.CrossEntropy(logits, labels, 0.1);
        using var plain = LabelSmoothing.CrossEntropy(logits, labels, 0);
        using var torchLoss = nn.functional.cross_entropy(logits, labels);

        Assert.Equal(Expected(0.1), smoothed.item<float>(), 5);
        Assert.Equal(Expected(0), plain.item<float>(), 5);
        Assert.Equal(torchLoss.item<float>(), plain.item<float>(), 5);
    }

    [Fact]
    public void The_weight_average_uses_TensorFlows_num_updates_warm_up()
    {
        using var model = Tiny(0.0);
        using var ema = new WeightEma(model, decay: 0.99);
        var average = 0.0;
        for (var n = 1; n <= 3; n++)
        {
            using (no_grad())
            {
                model.named_parameters().Single(p => p.name == "linear.weight").parameter.fill_(n);
            }
            ema.Update();
            var d = Math.Min(0.99, (1.0 + n) / (10.0 + n));
            average = (d * average) + ((1 - d) * n);
            Assert.Equal(average, ema.Average["linear.weight"].item<float>(), 5);
        }
        Assert.Equal(3, ema.Updates);
    }
}
