using System.Globalization;

namespace EffNetGen.Dsl.Resolution;

/// <summary>
/// How large a variant may be before it is rejected (EFF0009). Checked before any layer is resolved for
/// blocks, channels and resolution, and right after resolution (which allocates nothing) for parameters.
/// </summary>
/// <param name="MaxParameters">Learnable parameters (MSBuild <c>EffNetGenMaxParameters</c>).</param>
/// <param name="MaxBlocks">Blocks in the whole network (MSBuild <c>EffNetGenMaxBlocks</c>); each becomes a line of generated code.</param>
public sealed record Budget(long MaxParameters, int MaxBlocks)
{
    /// <summary>2·10⁹ parameters and 10,000 blocks: far above any published EfficientNet (L2: 480M, 88 blocks).</summary>
    public static Budget Default { get; } = new(2_000_000_000, 10_000);

    /// <summary>
    /// The budget the MSBuild properties <c>EffNetGenMaxParameters</c> and <c>EffNetGenMaxBlocks</c> set (invariant
    /// positive integers); <see cref="Default"/>'s value for each that is unset or not one.
    /// </summary>
    public static Budget FromProperties(string? maxParameters, string? maxBlocks) => new(
        long.TryParse(maxParameters?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parameters) && parameters > 0 ? parameters : Default.MaxParameters,
        int.TryParse(maxBlocks?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var blocks) && blocks > 0 ? blocks : Default.MaxBlocks);
}
