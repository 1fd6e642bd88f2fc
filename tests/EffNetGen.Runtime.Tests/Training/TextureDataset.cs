using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Training;

/// <summary>
/// A procedurally generated image classification set: 64×64 RGB textures — horizontal, vertical or diagonal stripes,
/// or a checkerboard — in two random colours, with a random period (6–16 px) and phase, and noise. Image i of a set
/// is always the same image, so epochs and held-out sets are reproducible without files.
/// </summary>
internal static class TextureDataset
{
    public const int Size = 64;

    public static readonly string[] Classes = { "horizontal", "vertical", "diagonal", "checkerboard" };

    /// <summary>Batches of <paramref name="batchSize"/> images [B, 3, 64, 64] (about zero mean, unit range) and their labels.</summary>
    public static IEnumerable<(Tensor Images, Tensor Labels)> Batches(int set, int batches, int batchSize, Func<int, int>? relabel = null)
    {
        for (var b = 0; b < batches; b++)
        {
            yield return Batch(set, b * batchSize, batchSize, relabel);
        }
    }

    /// <summary>Images <paramref name="first"/> … of set <paramref name="set"/>; <paramref name="relabel"/> maps the texture to the label.</summary>
    public static (Tensor Images, Tensor Labels) Batch(int set, int first, int count, Func<int, int>? relabel = null)
    {
        var pixels = new float[count * 3 * Size * Size];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var kind = Draw(new Random(Seed(set, first + i)), pixels.AsSpan(i * 3 * Size * Size, 3 * Size * Size));
            labels[i] = relabel?.Invoke(kind) ?? kind;
        }
        return (tensor(pixels, new long[] { count, 3, Size, Size }), tensor(labels));
    }

    /// <summary>Draws one image into <paramref name="image"/> (CHW); returns its texture.</summary>
    public static int Draw(Random random, Span<float> image)
    {
        var kind = random.Next(Classes.Length);
        var on = new[] { random.NextSingle(), random.NextSingle(), random.NextSingle() };
        // The colours differ by at least 0.4 in one channel, so every texture is visible.
        var off = (float[])on.Clone();
        var channel = random.Next(3);
        off[channel] = on[channel] > 0.5f ? on[channel] - 0.4f - (0.2f * random.NextSingle()) : on[channel] + 0.4f + (0.2f * random.NextSingle());
        var period = 6 + (random.NextDouble() * 10);
        var (px, py) = (random.NextDouble() * period, random.NextDouble() * period);
        bool Band(double v) => (v / period) - Math.Floor(v / period) < 0.5;
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var lit = kind switch
                {
                    0 => Band(y + py),
                    1 => Band(x + px),
                    2 => Band((x + y + px) / Math.Sqrt(2)),
                    _ => Band(x + px) ^ Band(y + py),
                };
                for (var c = 0; c < 3; c++)
                {
                    var value = (lit ? on[c] : off[c]) + (0.05f * (random.NextSingle() - 0.5f));
                    image[(c * Size * Size) + (y * Size) + x] = (value - 0.5f) / 0.25f;
                }
            }
        }
        return kind;
    }

    /// <summary>A generator seed per image: SplitMix64 of (set, index); consecutive Random seeds give correlated first draws.</summary>
    private static int Seed(int set, int index)
    {
        var z = unchecked(((ulong)(uint)set << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }
}
