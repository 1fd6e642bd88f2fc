namespace EffNetGen.Tests.Shared;

/// <summary>Small hand-written specs shared by the test projects.</summary>
public static class SampleSpecs
{
    /// <summary>The smallest valid spec: one family F with one stage and one variant A (class FA).</summary>
    public const string Minimal = """
        family F {
          stem  conv   k3 s2 c32
          stage mbconv k3 s1 e1 c16 r1 se0.25
          head  conv   k1 c64
          variant A { width 1.0 depth 1.0 resolution 32 }
        }
        """;

    /// <summary><see cref="Minimal"/> with stride 3 at line 3, column 19: EFF0005.</summary>
    public static readonly string BrokenStride = Minimal.Replace("k3 s1 e1", "k3 s3 e1");

    /// <summary>What the compiler, the CLI and the consumer build say about <see cref="BrokenStride"/>, after the path.</summary>
    public const string BrokenStrideDiagnostic = "(3,19): error EFF0005: Invalid stride 's' in 'stage': must be 1 or 2, got 3";
}
