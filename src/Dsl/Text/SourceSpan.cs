namespace EffNetGen.Dsl.Text;

/// <summary>
/// A region of a spec file: character offset and length, plus 1-based start and end line/column,
/// exactly what a compiler diagnostic needs (the generator converts to Roslyn's 0-based positions).
/// </summary>
public readonly record struct SourceSpan(int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
{
    /// <summary>A span covering <paramref name="first"/> through <paramref name="last"/>.</summary>
    public static SourceSpan Cover(SourceSpan first, SourceSpan last) =>
        new(first.Start, last.Start + last.Length - first.Start, first.Line, first.Column, last.EndLine, last.EndColumn);

    /// <inheritdoc />
    public override string ToString() => $"({Line},{Column})";
}
