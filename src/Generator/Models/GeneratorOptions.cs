namespace EffNetGen.Generator.Models;

/// <summary>The consuming project's MSBuild options, reduced to values that compare by value.</summary>
/// <param name="Namespace">Namespace of generated classes without a spec <c>namespace</c>, and of the registry.</param>
/// <param name="EmitRegistry">Whether to emit the <c>EffNetModels</c> registry.</param>
/// <param name="Budget">The largest variant the project accepts.</param>
public sealed record GeneratorOptions(string Namespace, bool EmitRegistry, EffNetGen.Dsl.Resolution.Budget Budget);
