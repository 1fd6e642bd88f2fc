namespace EffNetGen.Generator;

/// <summary>Names of the pipeline steps, so tests can assert what was cached.</summary>
public static class TrackingNames
{
    /// <summary>The generator's MSBuild options.</summary>
    public const string Options = nameof(Options);

    /// <summary>Each <c>.effnet</c> file as path + text.</summary>
    public const string SpecFiles = nameof(SpecFiles);

    /// <summary>Each file compiled: resolved variants and diagnostics.</summary>
    public const string Compiled = nameof(Compiled);

    /// <summary>The diagnostics of each file.</summary>
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary>One entry per generated class.</summary>
    public const string Models = nameof(Models);

    /// <summary>Type and model names more than one variant generates.</summary>
    public const string Conflicts = nameof(Conflicts);

    /// <summary>All models of the compilation, for the registry.</summary>
    public const string Registry = nameof(Registry);
}
