using EffNetGen.Dsl.Text;

namespace EffNetGen.Dsl.Syntax;

// The syntax tree: what the text says, with where it says it. No meaning is attached here;
// SpecBinder turns it into a FamilySpec and reports unknown or misplaced options.

/// <summary>A name as written: keyword, option key, variant name, block type.</summary>
public sealed record Identifier(string Text, SourceSpan Span);

/// <summary>An option value.</summary>
public abstract record ValueSyntax(SourceSpan Span);

/// <summary>A number exactly as written (parsed with the invariant culture by the binder).</summary>
public sealed record NumberSyntax(string Text, SourceSpan Span) : ValueSyntax(Span);

/// <summary>A bare word value, e.g. <c>silu</c> or <c>ceil</c>.</summary>
public sealed record WordSyntax(string Text, SourceSpan Span) : ValueSyntax(Span);

/// <summary>
/// A <c>{ … }</c> block: lines of options (<c>width 1.6  depth 2.2</c>) and, where the binder allows
/// them (variants), layer statements (<c>stage fused k3 s1 e1 c24 r2</c>).
/// </summary>
public sealed record BlockSyntax(EquatableArray<OptionSyntax> Options, EquatableArray<StatementSyntax> Statements, SourceSpan Span) : ValueSyntax(Span);

/// <summary>One option: <c>k3</c> (compact, key and number fused) or <c>act silu</c> / <c>alpha 1.2</c>.</summary>
public sealed record OptionSyntax(Identifier Key, ValueSyntax Value, SourceSpan Span);

/// <summary>
/// One statement of a family body: <c>stage mbconv k3 s1 …</c> (subject <c>mbconv</c>),
/// <c>variant B0 { … }</c> (subject <c>B0</c>), <c>scaling { … }</c> (no subject).
/// </summary>
public sealed record StatementSyntax(
    Identifier Keyword,
    Identifier? Subject,
    EquatableArray<OptionSyntax> Options,
    SourceSpan Span)
{
    /// <summary>Layer statements inside the statement's block (a variant's own stem, stages, head).</summary>
    public EquatableArray<StatementSyntax> Body { get; init; }
}

/// <summary><c>family Name { statements }</c>.</summary>
public sealed record FamilySyntax(Identifier Name, EquatableArray<StatementSyntax> Statements, SourceSpan Span);

/// <summary>A whole <c>.effnet</c> file.</summary>
public sealed record SpecSyntax(EquatableArray<FamilySyntax> Families);
