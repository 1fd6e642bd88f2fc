using static TorchSharp.torch;

namespace EffNetGen.Runtime.Training;

/// <summary>Cross-entropy against smoothed labels, as the recipe trains with.</summary>
public static class LabelSmoothing
{
    /// <summary>
    /// Mean over the batch of −Σ q·log p with q = (1 − ε) on the true class plus ε / K on every class: the same as
    /// PyTorch's <c>CrossEntropyLoss(label_smoothing: ε)</c> and TensorFlow's smoothed one-hot labels.
    /// </summary>
    /// <param name="logits">[batch, classes].</param>
    /// <param name="labels">[batch], class indices (int64).</param>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, double smoothing)
    {
        using var scope = NewDisposeScope();
        var logProbabilities = logits.log_softmax(1);
        var trueClass = -logProbabilities.gather(1, labels.unsqueeze(1)).squeeze(1);
        var uniform = -logProbabilities.mean(new long[] { 1 });
        return ((trueClass * (1 - smoothing)) + (uniform * smoothing)).mean().MoveToOuterDisposeScope();
    }
}
