namespace EffNetGen.Tests.Shared;

/// <summary>
/// Published reference numbers, typed in from torchvision's model documentation
/// (EfficientNet_B*_Weights meta: "num_params" and "_ops" in GFLOPS, which counts multiply-accumulates).
/// Never produced by EffNetGen itself.
/// </summary>
public static class TorchvisionReference
{
    /// <summary>Variant and learnable parameter count (what <c>parameters()</c> sums).</summary>
    public static TheoryData<string, long> ParameterCounts => new()
    {
        { "B0", 5_288_548 },
        { "B1", 7_794_184 },
        { "B2", 9_109_994 },
        { "B3", 12_233_232 },
        { "B4", 19_341_616 },
        { "B5", 30_389_784 },
        { "B6", 43_040_704 },
        { "B7", 66_347_960 },
    };

    /// <summary>EfficientNetV2 (torchvision efficientnet_v2_s/m/l "num_params").</summary>
    public static TheoryData<string, long> V2ParameterCounts => new()
    {
        { "S", 21_458_488 },
        { "M", 54_139_356 },
        { "L", 118_515_272 },
    };

    /// <summary>torchvision's mobilenet_v2 (MobileNet_V2_Weights.IMAGENET1K_V1 "num_params").</summary>
    public const long MobileNetV2 = 3_504_872;

    /// <summary>torchvision's MobileNetV3 (MobileNet_V3_*_Weights.IMAGENET1K_V1 "num_params").</summary>
    public static TheoryData<string, long> MobileNetV3ParameterCounts => new()
    {
        { "mobilenet_v3_large", 5_483_032 },
        { "mobilenet_v3_small", 2_542_856 },
    };

    /// <summary>
    /// Variant and GMACs at the variant's own resolution. B2 is absent: torchvision measures it at
    /// 288 px, not the paper's 260.
    /// </summary>
    public static TheoryData<string, double> GigaMacs => new()
    {
        { "B0", 0.386 },
        { "B1", 0.687 },
        { "B3", 1.827 },
        { "B4", 4.394 },
        { "B5", 10.266 },
        { "B6", 19.068 },
        { "B7", 37.746 },
    };
}
