using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Syntax;
using EffNetGen.Dsl.Text;

namespace EffNetGen.Dsl.Binding;

/// <summary>
/// Reads the options of one statement or block. Unknown and duplicate keys are reported when the
/// reader is created; each typed getter reports a value of the wrong kind or out of range, and
/// returns the default instead so binding can go on and report every problem at once.
/// </summary>
internal sealed class OptionReader
{
    private readonly string _context;
    private readonly Dictionary<string, OptionSyntax> _options = new(StringComparer.Ordinal);
    private readonly List<SpecDiagnostic> _diagnostics;

    public OptionReader(string context, IEnumerable<OptionSyntax> options, IReadOnlyDictionary<string, string> known, List<SpecDiagnostic> diagnostics)
    {
        _context = context;
        _diagnostics = diagnostics;
        foreach (var option in options)
        {
            var key = option.Key.Text;
            if (!known.ContainsKey(key))
            {
                Report(DiagnosticCatalog.UnknownName, option.Key.Span, "option", key, $" in {context}" + Suggestions.DidYouMean(key, known.Keys));
            }
            else if (_options.ContainsKey(key))
            {
                Report(DiagnosticCatalog.Duplicate, option.Key.Span, "option", key, $" in {context}");
            }
            else
            {
                _options.Add(key, option);
            }
        }
        Labels = known;
    }

    /// <summary>Human names of the known keys, e.g. <c>k</c> → <c>kernel</c>.</summary>
    private IReadOnlyDictionary<string, string> Labels { get; }

    public bool Has(string key) => _options.ContainsKey(key);

    /// <summary>A number satisfying <paramref name="valid"/> (described by <paramref name="requirement"/>).</summary>
    public double Number(string key, double fallback, Func<double, bool> valid, string requirement)
    {
        if (!_options.TryGetValue(key, out var option))
        {
            return fallback;
        }
        if (option.Value is not NumberSyntax number)
        {
            ReportInvalid(option, "expected a number");
            return fallback;
        }
        if (number.Text.IndexOfAny(new[] { 'K', 'M', 'G', '±' }) >= 0)
        {
            ReportInvalid(option, $"expected a plain number, got '{number.Text}' (magnitudes and tolerances are for 'expect')");
            return fallback;
        }
        if (!double.TryParse(number.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || double.IsNaN(value) || double.IsInfinity(value))
        {
            ReportInvalid(option, $"'{number.Text}' is not a finite number");
            return fallback;
        }
        if (!valid(value))
        {
            ReportInvalid(option, $"{requirement}, got {number.Text}");
            return fallback;
        }
        return value;
    }

    /// <summary>A whole number satisfying <paramref name="valid"/>.</summary>
    public int Integer(string key, int fallback, Func<int, bool> valid, string requirement) =>
        (int)Number(key, fallback, v => v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue && valid((int)v), requirement);

    /// <summary>
    /// A kernel size, or timm's list of them (<c>k3.5.7</c>: a mixed convolution with one group per kernel), each
    /// satisfying <paramref name="valid"/>; <paramref name="fallback"/> when absent.
    /// </summary>
    public int[] Kernels(string key, int[] fallback, Func<int, bool> valid, string requirement)
    {
        if (!_options.TryGetValue(key, out var option))
        {
            return fallback;
        }
        var parts = option.Value is NumberSyntax number ? number.Text.Split('.') : Array.Empty<string>();
        if (parts.Length == 0 || parts.Length > MaxKernels || !Array.TrueForAll(parts, p => p.Length is > 0 and <= 4 && p.All(c => c is >= '0' and <= '9')))
        {
            ReportInvalid(option, $"expected a kernel size or a list of at most {MaxKernels} such as 3.5.7");
            return fallback;
        }
        var kernels = Array.ConvertAll(parts, p => int.Parse(p, CultureInfo.InvariantCulture));
        if (!Array.TrueForAll(kernels, k => valid(k)))
        {
            ReportInvalid(option, $"{requirement}, got {((NumberSyntax)option.Value).Text}");
            return fallback;
        }
        return kernels;
    }

    /// <summary>The most groups of a mixed convolution (MixNet uses up to 5).</summary>
    private const int MaxKernels = 16;

    /// <summary>A required whole number: reports <see cref="DiagnosticCatalog.Missing"/> when absent.</summary>
    public int RequiredInteger(string key, SourceSpan statement, Func<int, bool> valid, string requirement)
    {
        if (!Has(key))
        {
            Report(DiagnosticCatalog.Missing, statement, $"{Labels[key]} '{key}'", _context);
        }
        return Integer(key, 1, valid, requirement);
    }

    /// <summary>One of the words in <paramref name="choices"/>.</summary>
    public T Choice<T>(string key, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        if (!_options.TryGetValue(key, out var option))
        {
            return fallback;
        }
        if (option.Value is WordSyntax word && choices.TryGetValue(word.Text, out var value))
        {
            return value;
        }
        var text = option.Value is WordSyntax w ? w.Text : option.Value is NumberSyntax n ? n.Text : "{…}";
        Report(DiagnosticCatalog.UnknownName, option.Value.Span, Labels[key], text,
            $" in {_context}" + Suggestions.DidYouMean(text, choices.Keys) + $"; expected one of: {string.Join(", ", choices.Keys)}");
        return fallback;
    }

    /// <summary>A contract value (<c>5288548</c>, <c>5.3M</c>, <c>0.39G±5%</c>) as an expectation, or null.</summary>
    public Model.Expectation? Expectation(string key, string metric)
    {
        if (!_options.TryGetValue(key, out var option))
        {
            return null;
        }
        if (option.Value is NumberSyntax number && Quantity.TryParse(number.Text, out var quantity))
        {
            return new Model.Expectation(metric, quantity.Low, quantity.High, number.Text, option.Span);
        }
        ReportInvalid(option, "expected a positive count such as 5288548, 5.3M or 0.39G±5%");
        return null;
    }

    /// <summary>A bare word, e.g. a name, or <paramref name="fallback"/> when absent.</summary>
    public string Word(string key, string fallback)
    {
        if (!_options.TryGetValue(key, out var option))
        {
            return fallback;
        }
        if (option.Value is WordSyntax word)
        {
            return word.Text;
        }
        ReportInvalid(option, "expected a word");
        return fallback;
    }

    /// <summary>The options of a nested block, or null when absent.</summary>
    public IEnumerable<OptionSyntax>? Block(string key)
    {
        if (!_options.TryGetValue(key, out var option))
        {
            return null;
        }
        if (option.Value is BlockSyntax block)
        {
            return block.Options;
        }
        ReportInvalid(option, "expected a { … } block");
        return null;
    }

    /// <summary>Reports <paramref name="descriptor"/> (typically a warning) on the option <paramref name="key"/>.</summary>
    public void Warn(string key, DiagnosticDescriptor descriptor, params string[] arguments) =>
        Report(descriptor, _options[key].Span, arguments);

    /// <summary>Reports a valid-looking option that does not fit its context.</summary>
    public void Reject(string key, string reason) => ReportInvalid(_options[key], reason);

    private void ReportInvalid(OptionSyntax option, string detail) =>
        Report(DiagnosticCatalog.InvalidValue, option.Span, $"{Labels[option.Key.Text]} '{option.Key.Text}' in {_context}", detail);

    private void Report(DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments) =>
        _diagnostics.Add(SpecDiagnostic.Create(descriptor, span, arguments));
}
