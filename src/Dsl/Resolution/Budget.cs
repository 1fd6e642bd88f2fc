using System.Globalization;

namespace EffNetGen.Dsl.Resolution;

/// <summary>
/// How large a spec may be before it is rejected (EFF0009). Variants are counted before the file is parsed; blocks,
/// channels and resolution are checked before any layer is resolved, parameters right after resolution (which
/// allocates nothing).
/// </summary>
/// <param name="MaxParameters">Learnable parameters (MSBuild <c>EffNetGenMaxParameters</c>).</param>
/// <param name="MaxBlocks">Blocks in the whole network (MSBuild <c>EffNetGenMaxBlocks</c>); each becomes a line of generated code.</param>
/// <param name="MaxVariants">Variants in one spec file (MSBuild <c>EffNetGenMaxVariants</c>); each becomes a generated class.</param>
public sealed record Budget(long MaxParameters, int MaxBlocks, int MaxVariants)
{
    /// <summary>
    /// 2·10⁹ parameters, 10,000 blocks and 1,000 variants a file: far above any published EfficientNet (L2: 480M, 88
    /// blocks) and the shipped specs (at most 20 variants a file).
    /// </summary>
    public static Budget Default { get; } = new(2_000_000_000, 10_000, 1_000);

    /// <summary>
    /// The budget the MSBuild properties <c>EffNetGenMaxParameters</c>, <c>EffNetGenMaxBlocks</c> and
    /// <c>EffNetGenMaxVariants</c> set (invariant positive integers); <see cref="Default"/>'s value for each that is
    /// unset or not one.
    /// </summary>
    public static Budget FromProperties(string? maxParameters, string? maxBlocks, string? maxVariants) => new(
        Positive(maxParameters, long.MaxValue) ?? Default.MaxParameters,
        (int?)Positive(maxBlocks, int.MaxValue) ?? Default.MaxBlocks,
        (int?)Positive(maxVariants, int.MaxValue) ?? Default.MaxVariants);

    private static long? Positive(string? property, long max) =>
        long.TryParse(property?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= max ? value : null;
}
