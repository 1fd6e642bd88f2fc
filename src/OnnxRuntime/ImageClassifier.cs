using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using EffNetGen.Dsl;
using EffNetGen.Formats;
using EffNetGen.Formats.Hub;
using EffNetGen.Formats.Safetensors;
using EffNetGen.OnnxRuntime.Imaging;
using EffNetGen.OnnxRuntime.Labels;
using Microsoft.ML.OnnxRuntime;

namespace EffNetGen.OnnxRuntime;

/// <summary>
/// Classifies images with an EffNetGen network on ONNX Runtime: decode, the evaluation transform, batched inference,
/// softmax and top-k with class names. One session is built in memory when the classifier is created and reused by every
/// call; calls may come from many threads at once.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ClassifierOptions _options;

    /// <summary>
    /// A classifier for <paramref name="plan"/> (a spec variant's, or a generated class's <c>Blueprint</c>) with the
    /// tensors of <paramref name="weights"/> (EffNetGen's names), preprocessing with <paramref name="transform"/>.
    /// </summary>
    /// <param name="labels">One name per class; by default ImageNet-1k's for 1,000 classes, else <c>class N</c>.</param>
    /// <exception cref="WeightFormatException">The weights do not fit the plan; the message lists every difference.</exception>
    public ImageClassifier(NetworkPlan plan, WeightSource weights, EvalTransform transform, IReadOnlyList<string>? labels = null, ClassifierOptions? options = null)
    {
        if (plan.InputChannels != 3)
        {
            throw new ArgumentException($"{plan.Name} takes {plan.InputChannels} input channels; images have 3 (RGB)", nameof(plan));
        }
        options ??= new ClassifierOptions();
        if (options.MaxBatchSize < 1 || options.MaxPixels < 1 || options.MaxPixels > ImageDecoder.MaxDecodablePixels)
        {
            throw new ArgumentOutOfRangeException(nameof(options), FormattableString.Invariant(
                $"MaxBatchSize ({options.MaxBatchSize}) must be at least 1 and MaxPixels ({options.MaxPixels}) between 1 and {ImageDecoder.MaxDecodablePixels}"));
        }
        labels ??= ClassLabels.For(plan.Classes);
        if (labels.Count != plan.Classes)
        {
            throw new ArgumentException($"{labels.Count} labels for {plan.Classes} classes", nameof(labels));
        }
        (Plan, Transform, Labels, _options) = (plan, transform, labels, options);
        _session = OnnxSession.Create(plan, weights, _options);
    }

    /// <summary>
    /// A classifier for <paramref name="plan"/> with the checkpoint at <paramref name="checkpoint"/>: safetensors or a
    /// PyTorch <c>.pth</c> state_dict (read without executing anything), EffNetGen's/torchvision's names or timm's; its
    /// classifier sets the classes, its <c>classes</c> metadata the labels.
    /// </summary>
    public static ImageClassifier FromCheckpoint(NetworkPlan plan, string checkpoint, EvalTransform transform, ClassifierOptions? options = null)
    {
        var (fitted, weights, metadata) = CheckpointFit.Open(plan, checkpoint);
        return new ImageClassifier(fitted, weights, transform, ClassLabels.For(fitted.Classes, metadata), options);
    }

    /// <summary>
    /// A classifier for the shipped model <paramref name="model"/> (e.g. <c>efficientnet_b0</c>) with a checkpoint,
    /// preprocessing as the model's spec says.
    /// </summary>
    public static ImageClassifier FromCheckpoint(string model, string checkpoint, ClassifierOptions? options = null)
    {
        var network = ShippedModels.Find(model);
        return FromCheckpoint(network.Plan, checkpoint, EvalTransform.For(network.Preprocess), options);
    }

    /// <summary>
    /// A classifier with published weights, as timm's <c>create_model(name, pretrained=True)</c>: <paramref name="id"/> is
    /// a catalogue id (<c>efficientnet_b0.ra_in1k</c>) or a shipped model name (its default weights). The weights are
    /// downloaded into the Hugging Face cache (or found there, <see cref="HubOptions"/>), checked, and preprocessed as
    /// the weights' own evaluation was (their resolution, crop, interpolation, mean and std).
    /// </summary>
    /// <exception cref="PretrainedException">Unknown id, offline and not cached, or a failed or corrupt download.</exception>
    /// <exception cref="NotSupportedException">Weights evaluated with timm's 'squash' crop.</exception>
    public static ImageClassifier FromPretrained(string id, HubOptions? hub = null, ClassifierOptions? options = null)
    {
        PretrainedWeights weights;
        try
        {
            weights = PretrainedCatalog.Find(id);
        }
        catch (ArgumentException e)
        {
            throw new PretrainedException(e.Message, e);
        }
        if (weights.CropMode != "center")
        {
            throw new NotSupportedException($"{weights.Id} was evaluated with timm's '{weights.CropMode}' crop; only centre crops are implemented");
        }
        if (!ShippedModels.TryFind(weights.Model, out var network))
        {
            throw new PretrainedException($"{weights.Id}: no shipped spec describes '{weights.Model}'");
        }
        var interpolation = weights.Interpolation switch
        {
            "bicubic" => Interpolation.Bicubic,
            "bilinear" => Interpolation.Bilinear,
            _ => throw new NotSupportedException($"{weights.Id} was evaluated with '{weights.Interpolation}' interpolation; only bicubic and bilinear are implemented"),
        };
        var transform = weights.Resize is { } resize
            ? EvalTransform.Create(weights.Resolution, resize, interpolation, weights.Mean, weights.Std)
            : EvalTransform.FromCropPct(weights.Resolution, weights.CropPct, interpolation, weights.Mean, weights.Std);
        return FromCheckpoint(network.Plan, Pretrained.Get(weights, hub), transform, options);
    }

    /// <summary>A classifier for variant <paramref name="variant"/> of the spec file <paramref name="spec"/>, with a checkpoint.</summary>
    /// <exception cref="InvalidDataException">The spec has errors (listed with file(line,col)) or no such variant.</exception>
    public static ImageClassifier FromSpec(string spec, string variant, string checkpoint, ClassifierOptions? options = null)
    {
        var compilation = SpecCompiler.Compile(File.ReadAllText(spec));
        if (!compilation.Succeeded)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, compilation.Diagnostics.Select(d => d.ToString(spec))));
        }
        var network = compilation.Networks.FirstOrDefault(n => n.IsCalled(variant))
            ?? throw new InvalidDataException($"{spec}: no variant '{variant}'; it has {string.Join(", ", compilation.Networks.Select(n => n.Variant))}");
        return FromCheckpoint(network.Plan, checkpoint, EvalTransform.For(network.Preprocess), options);
    }

    /// <summary>The network, with the checkpoint's classes and input channels.</summary>
    public NetworkPlan Plan { get; }

    /// <summary>The evaluation transform applied to every image.</summary>
    public EvalTransform Transform { get; }

    /// <summary>The class names, by output index.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Classifies the image file at <paramref name="path"/>.</summary>
    public Prediction Classify(string path, int top = 5) => Classify(new[] { ImageInput.FromFile(path) }, top)[0];

    /// <summary>Classifies an encoded image in memory.</summary>
    public Prediction Classify(ReadOnlyMemory<byte> encoded, int top = 5) => Classify(new[] { ImageInput.FromBytes(encoded) }, top)[0];

    /// <summary>Classifies <paramref name="images"/>, decoded and transformed in parallel, inferred in batches of at most <see cref="ClassifierOptions.MaxBatchSize"/>.</summary>
    /// <exception cref="InvalidDataException">An image cannot be decoded; the message names it. Nothing is returned for the others.</exception>
    public IReadOnlyList<Prediction> Classify(IReadOnlyList<ImageInput> images, int top = 5)
    {
        var predictions = new List<Prediction>(images.Count);
        for (var first = 0; first < images.Count; first += _options.MaxBatchSize)
        {
            var batch = images.Skip(first).Take(_options.MaxBatchSize).ToList();
            var pixels = new float[batch.Count * Transform.Length];
            try
            {
                Parallel.For(0, batch.Count, i => Prepare(batch[i], pixels.AsSpan(i * Transform.Length, Transform.Length)));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                // One image's own exception (which one, when several fail, depends on scheduling), not the wrapper.
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            var logits = Logits(pixels, batch.Count);
            predictions.AddRange(batch.Select((image, i) => Rank(image.Name, logits.AsSpan(i * Plan.Classes, Plan.Classes).ToArray(), top)));
        }
        return predictions;
    }

    /// <summary>Decodes and transforms one image into its slot of the batch; a transform error names the image.</summary>
    private void Prepare(ImageInput image, Span<float> destination)
    {
        var decoded = image.Decode(_options.MaxPixels);
        try
        {
            Transform.Apply(decoded, destination);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{image.Name}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The logits of <paramref name="count"/> images already transformed (float32 [count, 3, Resolution, Resolution],
    /// e.g. by <see cref="Transform"/>): [count, classes].
    /// </summary>
    public float[] Logits(float[] input, int count)
    {
        if (count < 1 || input.Length != count * Transform.Length)
        {
            throw new ArgumentException($"{count} images of [3, {Transform.Resolution}, {Transform.Resolution}] are {count * (long)Transform.Length} floats; got {input.Length}", nameof(input));
        }
        // Many calls may run at once; Dispose waits for them and then refuses new ones (no use of a freed session).
        _lifetime.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var tensor = OrtValue.CreateTensorValueFromMemory(input, new long[] { count, 3, Transform.Resolution, Transform.Resolution });
            using var options = new RunOptions();
            using var outputs = _session.Run(options, new[] { "input" }, new[] { tensor }, new[] { "logits" });
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            _lifetime.ExitReadLock();
        }
    }

    /// <summary>Softmax (in double, shifted by the largest logit) and the <paramref name="top"/> most probable classes.</summary>
    private Prediction Rank(string image, float[] logits, int top)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var total = exp.Sum();
        var best = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(Math.Max(top, 0));
        return new Prediction(image, best.Select(i => new ClassScore(i, Labels[i], exp[i] / total)).ToList(), logits);
    }

    private readonly ReaderWriterLockSlim _lifetime = new();
    private bool _disposed;

    /// <summary>Releases the session once calls in progress have finished; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _lifetime.EnterWriteLock();
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                _session.Dispose();
            }
        }
        finally
        {
            _lifetime.ExitWriteLock();
        }
    }
}
