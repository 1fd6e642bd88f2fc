using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

// A variant with compound scaling applied: its stage table (what the spec said, scaled) and its layer-level plan
// (what gets built). Every count and width below is read from the plan.

/// <summary>
/// A row of the resolved stage table: the spec's row with scaled channels and repeats, in stage <paramref name="Index"/>
/// (1-based, <c>features.{Index}</c>), whose blocks start at the stage's block <paramref name="FirstBlock"/>.
/// </summary>
public sealed record ResolvedStage(int Index, BlockKind Kind, int Kernel, int Stride, double Expansion, int Channels, int Repeats, double SeRatio, int FirstBlock = 0);

/// <summary>A fully resolved variant.</summary>
/// <param name="ModelName">timm/torchvision-style name, e.g. <c>efficientnet_b0</c>.</param>
/// <param name="Preprocess">Evaluation preprocessing, the variant's resolution and crop applied.</param>
/// <param name="Plan">The network lowered to its layers: the one description every backend builds from.</param>
/// <param name="Phi">The compound coefficient the variant was declared with, if any.</param>
/// <param name="RequestedFlopsRatio">(alpha·beta²·gamma²)^phi, for <paramref name="Phi"/> variants.</param>
/// <param name="RealisedFlopsRatio">MACs over the unscaled layout's MACs at the base resolution, for <paramref name="Phi"/> variants.</param>
/// <param name="Training">The training recipe, when the spec gives one.</param>
public sealed record ResolvedNetwork(
    string Family,
    string Variant,
    string ModelName,
    string? Namespace,
    double Width,
    double Depth,
    PreprocessSettings Preprocess,
    EquatableArray<ResolvedStage> Stages,
    NetworkPlan Plan,
    double? Phi = null,
    double? RequestedFlopsRatio = null,
    double? RealisedFlopsRatio = null,
    TrainingRecipe? Training = null)
{
    /// <summary>The generated C# class name: family and variant joined, e.g. <c>EfficientNetB0</c>.</summary>
    public string ClassName => Plan.Name;

    /// <summary>
    /// Whether <paramref name="name"/> names this variant, as users may name it: its variant name (<c>B0</c>), class
    /// (<c>EfficientNetB0</c>) or model name (<c>efficientnet_b0</c>), ignoring case.
    /// </summary>
    public bool IsCalled(string name) =>
        string.Equals(name, Variant, System.StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, ClassName, System.StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, ModelName, System.StringComparison.OrdinalIgnoreCase);

    /// <summary>Input height and width.</summary>
    public int Resolution => Plan.Resolution;

    /// <summary>Classifier outputs.</summary>
    public int Classes => Plan.Classes;

    /// <summary>Learnable parameters, as <c>parameters()</c> sums them.</summary>
    public long Parameters => Plan.Parameters;

    /// <summary>Multiply-accumulates of one forward pass of one image at <see cref="Resolution"/>.</summary>
    public long Macs => Plan.Macs;

    /// <summary>The blocks of <paramref name="stage"/>'s row.</summary>
    public IEnumerable<PlanUnit> Blocks(ResolvedStage stage) => Plan.Blocks(stage.Index).Skip(stage.FirstBlock).Take(stage.Repeats);

    /// <summary>Learnable parameters of <paramref name="stage"/>'s blocks.</summary>
    public long StageParameters(ResolvedStage stage) => Blocks(stage).Sum(b => b.Parameters);

    /// <summary>Multiply-accumulates of <paramref name="stage"/>'s blocks.</summary>
    public long StageMacs(ResolvedStage stage) => Blocks(stage).Sum(b => b.Macs);
}
