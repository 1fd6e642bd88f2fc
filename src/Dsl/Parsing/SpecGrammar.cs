using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Syntax;
using EffNetGen.Dsl.Text;
using Sprache;
using static EffNetGen.Dsl.Parsing.Lexical;

namespace EffNetGen.Dsl.Parsing;

/// <summary>
/// The Sprache grammar. The whole language in one place:
/// <code>
/// file      := gap family+ EOF
/// family    := 'family' Name '{' (statement lineEnd)* '}'
/// statement := 'namespace' QualifiedName
///            | ('scaling' | 'norm' | 'classifier' | 'regularization') block
///            | ('stem' | 'stage' | 'head') Type option*
///            | 'variant' Name block
/// option    := key number          (compact, no space: k3 s2 e6 c16 r1 se0.25)
///            | key value           (act silu, alpha 1.2, norm { eps 1e-3 })
/// block     := '{' (blockLine lineEnd)* '}'
/// blockLine := ('stem' | 'stage' | 'head') Type option*     (a variant's own layers)
///            | option+
/// value     := number | word | block
/// </code>
/// Comments are <c>// to end of line</c> and <c>/* … */</c>. The parsers that run for every token or line are fields:
/// one written inside a query after its first clause is built again at every use (the later clauses run in lambdas).
/// </summary>
internal static class SpecGrammar
{
    private static readonly Parser<ValueSyntax> NumberValue =
        Number.Located().Select(t => (ValueSyntax)new NumberSyntax(t.Value, t.Span));

    private static readonly Parser<ValueSyntax> WordValue =
        Word.Located().Select(t => (ValueSyntax)new WordSyntax(t.Value, t.Span));

    /// <summary><c>k3</c>: a key fused with its number.</summary>
    private static readonly Parser<OptionSyntax> CompactOption =
        (from key in Letters.AsIdentifier()
         from value in NumberValue
         select new OptionSyntax(key, value, SourceSpan.Cover(key.Span, value.Span))).Inline();

    private static readonly Parser<ValueSyntax> Value = NumberValue.Or(WordValue).Or(Parse.Ref(() => Block!)).Inline();

    /// <summary><c>act silu</c>, <c>norm { eps 1e-3 }</c>: a key, a gap, a value, on one line.</summary>
    private static readonly Parser<OptionSyntax> InlinePair =
        from key in Word.AsIdentifier().Inline()
        from value in Value
        select new OptionSyntax(key, value, SourceSpan.Cover(key.Span, value.Span));

    private static readonly Parser<OptionSyntax> InlineOption = CompactOption.Or(InlinePair);

    /// <summary>One line inside braces: a layer statement, or one or more options.</summary>
    private static readonly Parser<(StatementSyntax? Statement, IEnumerable<OptionSyntax> Options)> BlockLine = ByKeyword(
        Keywords.Layers.Select(k => ((string?)k, LayerStatement(k).Select(statement => ((StatementSyntax?)statement, Enumerable.Empty<OptionSyntax>()))))
            .Append((null, InlineOption.RepeatAtLeastOnce().Select(options => ((StatementSyntax?)null, options))))
            .ToList());

    private static readonly Parser<IEnumerable<(StatementSyntax? Statement, IEnumerable<OptionSyntax> Options)>> BlockLines =
        (from line in BlockLine
         from end in Parse.Ref(() => LineEnd!).Spaced()
         select line).Repeat();

    private static readonly Parser<char> CloseBrace = Parse.Char('}').Named("'}'");

    private static readonly Parser<ValueSyntax> Block =
        (from body in (from open in Parse.Char('{').Named("'{'").Spaced()
                       from lines in BlockLines
                       from close in CloseBrace
                       select lines.ToList()).Located()
         select (ValueSyntax)new BlockSyntax(
             body.Value.SelectMany(l => l.Options).ToEquatableArray(),
             body.Value.Where(l => l.Statement is not null).Select(l => l.Statement!).ToEquatableArray(),
             body.Span));

    private static readonly Parser<BlockSyntax> BlockValue = Block.Inline().Select(b => (BlockSyntax)b);

    /// <summary>Variant names may start with a digit (<c>Lite0</c>): the class name starts with the family's.</summary>
    private static readonly Parser<string> VariantName = Parse.LetterOrDigit.Or(Parse.Char('_')).AtLeastOnce().Text();

    private static readonly Parser<string> QualifiedName =
        from first in Word
        from rest in Parse.Char('.').Then(_ => Word).Many()
        select string.Join(".", new[] { first }.Concat(rest));

    private static Parser<Identifier> KeywordToken(string text) => Keyword(text).AsIdentifier().Inline();

    private static readonly Parser<StatementSyntax> NamespaceStatement =
        from keyword in KeywordToken(Keywords.Namespace)
        from name in QualifiedName.Named("namespace name").AsIdentifier().Inline()
        select new StatementSyntax(keyword, name, EquatableArray<OptionSyntax>.Empty, SourceSpan.Cover(keyword.Span, name.Span));

    private static Parser<StatementSyntax> SettingsStatement(string text) =>
        from keyword in KeywordToken(text)
        from block in BlockValue
        select new StatementSyntax(keyword, null, block.Options, SourceSpan.Cover(keyword.Span, block.Span)) { Body = block.Statements };

    private static readonly Parser<Identifier> LayerType = Word.Named("layer type").AsIdentifier().Inline();

    private static readonly Parser<IEnumerable<OptionSyntax>> LayerOptions = InlineOption.Repeat();

    private static Parser<StatementSyntax> LayerStatement(string text) =>
        from keyword in KeywordToken(text)
        from type in LayerType
        from options in LayerOptions
        let last = options.LastOrDefault()
        select new StatementSyntax(keyword, type, options.ToEquatableArray(), SourceSpan.Cover(keyword.Span, last?.Span ?? type.Span));

    private static readonly Parser<StatementSyntax> VariantStatement =
        from keyword in KeywordToken(Keywords.Variant)
        from name in VariantName.Named("variant name").AsIdentifier().Inline()
        from block in BlockValue
        select new StatementSyntax(keyword, name, block.Options, SourceSpan.Cover(keyword.Span, block.Span)) { Body = block.Statements };

    private static readonly string[] StatementKeywords =
        new[] { Keywords.Namespace }.Concat(Keywords.Settings).Concat(Keywords.Layers).Concat(new[] { Keywords.Variant }).ToArray();

    /// <summary>
    /// Fails without consuming input, naming <paramref name="expected"/>: placed after a failing
    /// alternative it adds them to the error's "expected …" list (Sprache merges failures at one position).
    /// </summary>
    private static Parser<char> Expect(string[] expected) =>
        input => Result.Failure<char>(input, "unexpected input", expected);

    private static readonly Parser<StatementSyntax> Statement = ByKeyword(
        Keywords.Settings.Select(k => ((string?)k, SettingsStatement(k)))
            .Concat(Keywords.Layers.Select(k => ((string?)k, LayerStatement(k))))
            .Append((Keywords.Namespace, NamespaceStatement))
            .Append((Keywords.Variant, VariantStatement))
            .ToList());

    /// <summary>
    /// Ordered alternatives, each led by its keyword (or, one of them, by any other word: null), run the fast way:
    /// first the one whose keyword is the word at the input, without trying the others, which would only fail after
    /// reading the word again. If it fails, the alternatives run in order with its failure in its place (the others
    /// fail at once), so the error is exactly the one the ordered alternatives give, and no alternative runs twice:
    /// that would double the work at every level of a nested block.
    /// </summary>
    private static Parser<T> ByKeyword<T>(IReadOnlyList<(string? Keyword, Parser<T> Parser)> alternatives)
    {
        var byKeyword = alternatives.Where(a => a.Keyword is not null).ToDictionary(a => a.Keyword!, a => a.Parser);
        var otherWord = alternatives.FirstOrDefault(a => a.Keyword is null).Parser;
        return input =>
        {
            var chosen = byKeyword.TryGetValue(Lexical.PeekWord(input), out var matching) ? matching : otherWord;
            if (chosen?.Invoke(input) is not { } result)
            {
                return alternatives.Select(a => a.Parser).Aggregate((a, b) => a.Or(b))(input);
            }
            if (result.WasSuccessful)
            {
                return result;
            }
            return alternatives.Select(a => ReferenceEquals(a.Parser, chosen) ? _ => result : a.Parser).Aggregate((a, b) => a.Or(b))(input);
        };
    }

    /// <summary>A statement ends at a line break, a <c>//</c> comment, the family's closing brace or the end of the file.</summary>
    private static readonly Parser<string> LineEnd =
        LineComment.Or(NewLine)
            .Or(Parse.Char('}').Preview().Where(c => c.IsDefined).Return(""))
            .Or(Parse.Return("").End())
            .Named("end of line");

    private static readonly Parser<FamilySyntax> Family =
        (from keyword in KeywordToken(Keywords.Family)
         from name in Word.Named("family name").AsIdentifier().Spaced()
         from open in Parse.Char('{').Named("'{'").Spaced()
         from statements in (from statement in Statement
                             from end in LineEnd.Spaced()
                             select statement).Repeat()
         from close in Parse.Char('}').Named("'}'").Or(Expect(StatementKeywords))
         select (keyword, name, statements)).Located()
        .Select(t => new FamilySyntax(t.Value.name, t.Value.statements.ToEquatableArray(), t.Span));

    /// <summary>The whole file.</summary>
    internal static readonly Parser<SpecSyntax> File =
        from leading in AnyGap
        from families in Family.Spaced().RepeatAtLeastOnce().End()
        select new SpecSyntax(families.ToEquatableArray());
}
