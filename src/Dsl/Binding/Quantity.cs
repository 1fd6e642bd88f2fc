using System;
using System.Globalization;

namespace EffNetGen.Dsl.Binding;

/// <summary>
/// A contract value: <c>5288548</c> (exact), <c>5.3M</c> (±half its last digit), <c>0.39G±5%</c> (relative).
/// Suffixes K, M, G are 10³, 10⁶, 10⁹.
/// </summary>
internal readonly record struct Quantity(double Low, double High)
{
    public static bool TryParse(string text, out Quantity quantity)
    {
        quantity = default;
        var tolerancePercent = (double?)null;
        var plusMinus = text.IndexOf('±');
        if (plusMinus >= 0)
        {
            if (!double.TryParse(text.Substring(plusMinus + 1).TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
                || percent < 0 || percent > 100)
            {
                return false;
            }
            tolerancePercent = percent;
            text = text.Substring(0, plusMinus);
        }
        var multiplier = text.Length > 0 ? text[text.Length - 1] switch { 'K' => 1e3, 'M' => 1e6, 'G' => 1e9, _ => 1.0 } : 1.0;
        var digits = multiplier == 1.0 ? text : text.Substring(0, text.Length - 1);
        if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number <= 0 || double.IsInfinity(number))
        {
            return false;
        }
        var value = number * multiplier;
        // Without a tolerance a value means what it says to its last written digit: 5.3M is 5.25M to 5.35M.
        var fractionDigits = digits.Contains(".") ? digits.Length - digits.IndexOf('.') - 1 : 0;
        var halfUnit = multiplier == 1.0 && fractionDigits == 0 ? 0 : 0.5 * Math.Pow(10, -fractionDigits) * multiplier;
        var tolerance = tolerancePercent is { } p ? value * p / 100 : halfUnit;
        quantity = new Quantity(value - tolerance, value + tolerance);
        return true;
    }

    public bool Contains(double value) => value >= Low && value <= High;
}
