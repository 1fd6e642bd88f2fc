using System.Collections.Generic;

namespace EffNetGen.OnnxRuntime;

/// <summary>A class and its softmax probability.</summary>
/// <param name="Index">The output index.</param>
/// <param name="Label">Its name (ImageNet-1k's, the checkpoint's, or <c>class N</c>).</param>
/// <param name="Probability">softmax(logits)[Index].</param>
public sealed record ClassScore(int Index, string Label, double Probability);

/// <summary>What the classifier made of one image.</summary>
/// <param name="Image">The image's name (<see cref="ImageInput.Name"/>).</param>
/// <param name="Top">The most probable classes, most probable first (ties by index).</param>
/// <param name="Logits">Every output before softmax.</param>
public sealed record Prediction(string Image, IReadOnlyList<ClassScore> Top, float[] Logits);
