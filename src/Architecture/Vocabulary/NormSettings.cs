namespace EffNetGen.Architecture;

/// <summary>
/// BatchNorm epsilon and momentum (PyTorch convention: weight of the new batch statistic).
/// They matter for loaded weights: torchvision's B0–B4 use 1e-5 / 0.1, B5–B7 1e-3 / 0.01.
/// </summary>
public sealed record NormSettings(double Eps, double Momentum);
