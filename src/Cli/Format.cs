using System.Globalization;

namespace EffNetGen.Cli;

/// <summary>Invariant-culture number formatting for everything the tool prints.</summary>
internal static class Format
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string GigaMacs(long macs) => (macs / 1e9).ToString("F3", CultureInfo.InvariantCulture);

    public static string Signed(long value) => (value > 0 ? "+" : "") + Count(value);
}
