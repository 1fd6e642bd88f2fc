using EffNetGen.CodeGen;
using EffNetGen.Generator.Diagnostics;

namespace EffNetGen.Generator.Models;

/// <summary>Everything the generator derives from one spec file. Value-equal, so unchanged files stay cached.</summary>
public sealed record SpecFileResult(EquatableArray<GeneratedModel> Models, EquatableArray<DiagnosticInfo> Diagnostics);
