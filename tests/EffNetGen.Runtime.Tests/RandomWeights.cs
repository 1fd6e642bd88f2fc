using System.Linq;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// Non-trivial BatchNorm scales, shifts and running statistics and random biases for tests: a freshly
/// initialised BatchNorm is the identity and would hide mistakes in folding, loading or block wiring.
/// Kernels keep their (seeded) initialisation, whose scale keeps deep networks' activations finite.
/// </summary>
internal static class RandomWeights
{
    public static void Apply(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in module.state_dict().Where(s => s.Value.is_floating_point() && s.Value.dim() == 1))
        {
            tensor.copy_(name.EndsWith("running_var") ? rand_like(tensor) + 0.5
                : name.EndsWith(".weight") ? rand_like(tensor) * 0.5 + 0.75   // BatchNorm scale
                : randn_like(tensor) * 0.1);
        }
    }

    /// <summary>
    /// <see cref="Apply"/> for a whole network, with running statistics that fit its activations: arbitrary statistics
    /// shrink the signal layer after layer until the logits no longer depend on the input (relative change 1e-7 for
    /// B0), and an equivalence test of such a network checks little more than the classifier's bias. The statistics
    /// are measured on a random batch of <paramref name="size"/>² images, then perturbed (variance ×0.8–1.25, mean
    /// shifted by up to 0.2 σ) so that folding them into the convolutions is still non-trivial.
    /// </summary>
    public static void ApplyCalibrated(EfficientNetModule model, int size = 64)
    {
        Apply(model);
        using var noGrad = no_grad();
        var norms = model.named_modules()
            .Select(m => (Name: m.name, Norm: m.module as TorchSharp.Modules.BatchNorm2d))
            .Where(m => m.Norm is not null)
            .Select(m => (m.Name, Norm: m.Norm!, m.Norm!.momentum))
            .ToList();
        model.eval();
        foreach (var (_, norm, _) in norms)
        {
            norm.weight!.copy_(rand_like(norm.weight) * 0.2 + 0.1); // small activations: SiLU near-linear, not chaotic
            norm.momentum = 1.0; // the running statistics become those of the batch
            norm.train();
        }
        using (var scope = NewDisposeScope())
        {
            model.call(randn(8, model.InputChannels, size, size));
        }
        foreach (var (name, norm, momentum) in norms)
        {
            norm.momentum = momentum;
            norm.running_var!.mul_(rand_like(norm.running_var) * 0.2 + 0.9);
            norm.running_mean!.add_((rand_like(norm.running_mean) - 0.5) * 0.1 * norm.running_var.sqrt());
            // A wrong float32 convolution in the calibration pass (libtorch's oneDNN on AVX-512, issue 15) shows here
            // first, as NaN or infinite statistics that poison every later comparison.
            Assert.True(norm.running_mean.isfinite().all().item<bool>() && norm.running_var.isfinite().all().item<bool>(),
                $"{name}: calibrated BatchNorm statistics are not finite");
        }
        model.eval();
    }
}
