using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StbImageSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Training;

/// <summary>
/// An image classification set on disk, as torchvision's <c>ImageFolder</c>: <c>root/class_name/*.png</c> (also JPEG,
/// BMP, GIF, TGA), classes in ordinal order of their folder names. Images are decoded (StbImageSharp, no native code)
/// and preprocessed as the variant evaluates them, a batch at a time.
/// </summary>
public sealed class ImageFolder
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga" };

    private ImageFolder(string root, IReadOnlyList<string> classes, IReadOnlyList<(string Path, int Label)> images) =>
        (Root, Classes, Images) = (root, classes, images);

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <summary>Class names (sub-folder names), ordinal order; a label is an index into this list.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Every image with its label, by class then file name.</summary>
    public IReadOnlyList<(string Path, int Label)> Images { get; }

    /// <summary>Lists <paramref name="root"/>'s classes and images.</summary>
    /// <exception cref="InvalidDataException">No class folders, or a class without images; the message names the folder.</exception>
    public static ImageFolder Open(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: no such image folder.");
        }
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OrderBy(c => c, StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
        {
            throw new InvalidDataException($"{root}: an image folder needs a sub-folder per class (at least two), found {classes.Count}.");
        }
        var images = new List<(string, int)>();
        for (var label = 0; label < classes.Count; label++)
        {
            var files = Directory.GetFiles(Path.Combine(root, classes[label]!))
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                throw new InvalidDataException($"{Path.Combine(root, classes[label]!)}: class '{classes[label]}' has no images ({string.Join(", ", Extensions)}).");
            }
            images.AddRange(files.Select(f => (f, label)));
        }
        return new ImageFolder(root, classes!, images);
    }

    /// <summary>
    /// Splits off every <paramref name="every"/>-th image of each class (deterministically) for validation.
    /// </summary>
    public (ImageFolder Train, ImageFolder Validation) Split(int every)
    {
        var indexed = Images.GroupBy(i => i.Label).SelectMany(g => g.Select((image, i) => (image, held: i % every == every - 1))).ToList();
        return (new ImageFolder(Root, Classes, indexed.Where(i => !i.held).Select(i => i.image).ToList()),
                new ImageFolder(Root, Classes, indexed.Where(i => i.held).Select(i => i.image).ToList()));
    }

    /// <summary>
    /// Batches of preprocessed images [B, 3, R, R] and labels [B], in a random order of <paramref name="shuffleSeed"/>
    /// (null: folder order), each image mirrored left-right with probability ½ when <paramref name="flip"/>.
    /// The caller owns (and disposes) each batch.
    /// </summary>
    /// <exception cref="InvalidDataException">An image cannot be decoded; the message names the file.</exception>
    public IEnumerable<(Tensor Images, Tensor Labels)> Batches(int batchSize, PreprocessSettings settings, int? shuffleSeed = null, bool flip = false)
    {
        var random = new Random(shuffleSeed ?? 0);
        var order = shuffleSeed is null ? Images.ToList() : Images.OrderBy(_ => random.Next()).ToList();
        for (var first = 0; first < order.Count; first += batchSize)
        {
            // Built outside the iterator's frame: a dispose scope must not stay open across a yield.
            yield return Batch(order.Skip(first).Take(batchSize).ToList(), settings, flip ? random : null);
        }
    }

    private static (Tensor Images, Tensor Labels) Batch(List<(string Path, int Label)> batch, PreprocessSettings settings, Random? flip)
    {
        using var scope = NewDisposeScope();
        var images = batch.Select(image =>
        {
            var x = Preprocessing.Apply(Decode(image.Path), settings);
            return flip?.Next(2) == 1 ? x.flip(3) : x;
        }).ToList();
        var labels = tensor(batch.Select(i => (long)i.Label).ToArray());
        return (cat(images, 0).MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>The image at <paramref name="path"/> as uint8 RGB [H, W, 3].</summary>
    public static Tensor Decode(string path)
    {
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not (IOException or UnauthorizedAccessException or OutOfMemoryException))
        {
            throw new InvalidDataException($"{path}: cannot decode the image: {e.Message}");
        }
        return tensor(image.Data, new long[] { image.Height, image.Width, 3 }, ScalarType.Byte);
    }
}
