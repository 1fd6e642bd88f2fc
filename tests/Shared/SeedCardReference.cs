namespace EffNetGen.Tests.Shared;

/// <summary>
/// The rounded parameter counts of the seed model card (../shared/seeds, timm's tf_efficientnet_* table), typed in.
/// Only a sanity check: the exact timm counts are checked independently.
/// </summary>
public static class SeedCardReference
{
    /// <summary>Model name and parameters in millions, as the card rounds them.</summary>
    public static TheoryData<string, int> MillionsOfParameters => new()
    {
        { "tf_efficientnet_b8", 87 },
        { "tf_efficientnet_l2", 480 },
        { "efficientnet_es", 5 },
        { "efficientnet_em", 7 },
        { "efficientnet_el", 11 },
    };
}
