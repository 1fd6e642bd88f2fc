namespace EffNetGen.Generator.Models;

/// <summary>
/// An <c>.effnet</c> AdditionalFile reduced to plain strings at once: AdditionalText compares by
/// reference and would defeat caching.
/// </summary>
public sealed record SpecFile(string Path, string Text);
