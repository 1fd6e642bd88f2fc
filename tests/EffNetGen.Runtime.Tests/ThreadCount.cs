using System;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// libtorch's intra-op thread count for a using block, restored on dispose. The count is global to the process: tests
/// that use this belong to <see cref="Training.SequentialRandomCollection"/>, which runs alone.
/// </summary>
internal sealed class ThreadCount : IDisposable
{
    private readonly int _before = get_num_threads();

    private ThreadCount(int count) => set_num_threads(count);

    public static ThreadCount Set(int count) => new(count);

    public void Dispose() => set_num_threads(_before);
}
