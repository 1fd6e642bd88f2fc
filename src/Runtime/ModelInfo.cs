using System;
using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>
/// What the generated registry knows about one variant, and how to create it.
/// <see cref="ParameterCount"/> and <see cref="Macs"/> are the analytic counts for <see cref="NumClasses"/> classes.
/// </summary>
public sealed record ModelInfo(
    string Name,
    string TypeName,
    string Family,
    string Variant,
    int Resolution,
    long ParameterCount,
    long Macs,
    int NumClasses,
    Func<ModelOptions, EfficientNetModule> Factory)
{
    /// <summary>The variant's evaluation preprocessing (its generated <c>PreprocessSettings</c>).</summary>
    public PreprocessSettings? Preprocess { get; init; }

    /// <summary>The variant's training recipe (its generated <c>Training</c>), when its spec has one.</summary>
    public TrainingRecipe? Training { get; init; }

    /// <summary>
    /// A new instance with randomly initialised weights and <paramref name="numClasses"/> outputs (default: the
    /// spec's), its parameters on <paramref name="device"/> (default: the default device).
    /// </summary>
    public EfficientNetModule Create(long? numClasses = null, Device? device = null) =>
        Factory(new ModelOptions { NumClasses = numClasses, Device = device });

    /// <summary>A new instance built with <paramref name="options"/>.</summary>
    public EfficientNetModule Create(ModelOptions options) => Factory(options);

    /// <summary>
    /// Whether <paramref name="name"/> names this variant, ignoring case: the model name
    /// (<c>efficientnet_b0</c>), the type name (<c>EfficientNetB0</c>) or the full type name.
    /// </summary>
    public bool IsNamed(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(TypeName, name, StringComparison.OrdinalIgnoreCase)
        || TypeName.EndsWith("." + name, StringComparison.OrdinalIgnoreCase);
}
