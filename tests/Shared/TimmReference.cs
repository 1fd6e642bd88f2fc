namespace EffNetGen.Tests.Shared;

/// <summary>
/// Parameter counts of timm 1.0's own models (<c>sum(p.numel() for p in model.parameters())</c> at 1000 classes), as
/// issue 18 tabulates them and as timm, run here from its source on Debian's PyTorch, printed them again when it made
/// tests/fixtures. Never produced by EffNetGen itself.
/// </summary>
public static class TimmReference
{
    /// <summary>timm model name and learnable parameter count.</summary>
    public static TheoryData<string, long> MobileParameterCounts => new()
    {
        { "mobilenetv2_100", 3_504_872 },
        { "mobilenetv2_050", 1_968_680 },
        { "mobilenetv3_large_100", 5_483_032 },
        { "mobilenetv3_small_100", 2_542_856 },
        { "mnasnet_100", 4_383_312 },
        { "lcnet_100", 2_953_800 },
        { "tinynet_a", 6_187_972 },
        { "efficientnetv2_rw_s", 23_941_296 },
        { "mixnet_s", 4_134_606 },
        { "mixnet_l", 7_329_252 },
        { "mobilenetv4_conv_small", 3_774_024 },
    };
}
