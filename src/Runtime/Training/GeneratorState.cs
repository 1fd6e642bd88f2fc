using System;
using System.Globalization;
using System.Runtime.InteropServices;

namespace EffNetGen.Runtime.Training;

/// <summary>
/// The head of libtorch's CPU random-generator state (<c>torch.Generator.get_state()</c>, libtorch's
/// <c>CPUGeneratorImplState</c>, in the machine's byte order): <c>the_initial_seed</c> (u64) at 0, <c>left</c> (i32) at 8,
/// <c>seeded</c> (i32) at 12 and <c>next</c> (u64, used as u32) at 16; the 624 words of the Mersenne Twister, the cached
/// normal samples and their flags follow.
/// </summary>
/// <remarks>
/// Checkpoints are checked with <see cref="Problem"/> before their state reaches libtorch: <c>set_state</c> refuses a
/// bad one with a C++ exception that TorchSharp does not catch, so the process would abort (SIGABRT, "Invalid mt19937
/// state").
/// </remarks>
public readonly record struct GeneratorState(ulong InitialSeed, int Left, int Seeded, uint Next)
{
    private const int MersenneStateWords = 624;

    /// <summary>The fields of <paramref name="state"/>, the bytes of a CPU generator's state.</summary>
    public static GeneratorState Read(ReadOnlySpan<byte> state) => new(
        MemoryMarshal.Read<ulong>(state), MemoryMarshal.Read<int>(state[8..]), MemoryMarshal.Read<int>(state[12..]),
        (uint)MemoryMarshal.Read<ulong>(state[16..]));

    /// <summary>
    /// Why this state is unusable, or null: libtorch's <c>mt19937::is_valid</c> refuses an unseeded state, <c>left</c>
    /// outside 1–624 and <c>next</c> above 624. It accepts <c>left + next</c> above 625, but its generator then reads past
    /// its 624 words before it refills them (each draw reads word <c>next++</c> and refills when <c>--left</c> reaches
    /// 0), so such a state is refused too; libtorch's own states have <c>left + next</c> = 625, or (1, 0) after seeding.
    /// </summary>
    public string? Problem => Seeded == 0 ? "its Mersenne Twister is marked unseeded"
        : Left is < 1 or > MersenneStateWords ? string.Create(CultureInfo.InvariantCulture, $"its Mersenne Twister position 'left' is {Left}, outside 1–{MersenneStateWords}")
        : Next > MersenneStateWords ? string.Create(CultureInfo.InvariantCulture, $"its Mersenne Twister index 'next' is {Next}, above {MersenneStateWords}")
        : Left + Next > MersenneStateWords + 1 ? string.Create(CultureInfo.InvariantCulture, $"its Mersenne Twister would read word {Next + Left - 2}, past its {MersenneStateWords} ('left' {Left} + 'next' {Next} > {MersenneStateWords + 1})")
        : null;
}
