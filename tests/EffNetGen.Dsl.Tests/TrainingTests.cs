using System.Linq;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

/// <summary>The <c>training</c> section: family recipe, variant overrides, the paper's defaults, checked values.</summary>
public class TrainingTests
{
    private static SpecCompilation Compile(string family, string variant = "") =>
        SpecCompiler.Compile(SampleSpecs.Minimal
            .Replace("  head  conv   k1 c64\n", "  head  conv   k1 c64\n" + family)
            .Replace("resolution 32 }", "resolution 32 " + variant + "}"));

    [Fact]
    public void The_shipped_EfficientNet_specs_carry_the_papers_recipe_as_the_seed_card_gives_it()
    {
        foreach (var file in new[] { "efficientnet.effnet", "tf_efficientnet.effnet" })
        {
            var b0 = SpecCompiler.Compile(Specs.Read(file)).Networks.Single(n => n.Variant == "B0").Training!;
            // tf_efficientnet_b0's card: LR 0.256, batch 2048, 350 epochs, momentum 0.9, weight decay 1e-5,
            // RMSProp decay 0.9, label smoothing 0.1, BatchNorm momentum 0.99; the paper: AutoAugment.
            Assert.Equal((Optimizer.RmsPropTF, 0.256, 2048, 350, 0.9, 1e-5, 0.9, 0.1, 0.99, Augmentation.AutoAugment),
                (b0.Optimizer, b0.LearningRate, b0.ReferenceBatchSize, b0.Epochs, b0.Momentum, b0.WeightDecay, b0.Decay, b0.LabelSmoothing, b0.NormMomentum, b0.Augmentation));
            // The paper's schedule: decayed by 0.97 every 2.4 epochs.
            Assert.Equal((0.97, 2.4), (b0.LrDecay, b0.DecayEpochs));
        }
        // The card's tf_efficientnet_l2_ns_475 was trained at LR 0.128.
        var l2 = SpecCompiler.Compile(Specs.Read("tf_efficientnet.effnet")).Networks.Single(n => n.Variant == "L2").Training!;
        Assert.Equal(0.128, l2.LearningRate);
        Assert.Equal(2048, l2.ReferenceBatchSize);
    }

    [Fact]
    public void A_variant_overrides_single_values_of_its_familys_recipe()
    {
        var compilation = Compile("  training { optimizer sgd lr 0.1 batch 256 ema 0 }\n", "training { lr 0.05 epochs 90 }");

        var recipe = compilation.Networks.Single().Training;

        Assert.Empty(compilation.Diagnostics);
        Assert.Equal((Optimizer.Sgd, 0.05, 256, 90, 0.0), (recipe!.Optimizer, recipe.LearningRate, recipe.ReferenceBatchSize, recipe.Epochs, recipe.Ema));
        Assert.Equal(0.1, recipe.LabelSmoothing); // the paper's, where neither says otherwise
    }

    [Fact]
    public void Without_a_training_section_there_is_no_recipe_and_a_variants_own_starts_from_the_papers()
    {
        Assert.Null(Compile("").Networks.Single().Training);

        var own = Compile("", "training { batch 64 }").Networks.Single().Training!;

        Assert.Equal((0.256, 64, Optimizer.RmsPropTF, 0.9999), (own.LearningRate, own.ReferenceBatchSize, own.Optimizer, own.Ema));
    }

    [Theory]
    [InlineData("  training { lr 0 }\n", "(5,14): error EFF0005: Invalid learning rate 'lr' in 'training': must be in (0, 100], got 0")]
    [InlineData("  training { label_smoothing 1.5 }\n", "(5,14): error EFF0005: Invalid label smoothing 'label_smoothing' in 'training': must be in [0, 1), got 1.5")]
    [InlineData("  training { optimizer adam }\n", "(5,24): error EFF0002: Unknown optimizer 'adam' in 'training'; expected one of: rmsprop, sgd")]
    [InlineData("  training { warmpu 3 }\n", "(5,14): error EFF0002: Unknown option 'warmpu' in 'training' (did you mean 'warmup'?)")]
    public void Bad_training_values_are_diagnostics_at_their_line_and_column(string section, string expected)
    {
        var compilation = Compile(section);

        Assert.Equal(expected, compilation.Diagnostics.Single().ToString(""));
    }
}
