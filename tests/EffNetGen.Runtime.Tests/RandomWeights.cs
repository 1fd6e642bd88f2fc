using System.Linq;
using TorchSharp;
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
}
