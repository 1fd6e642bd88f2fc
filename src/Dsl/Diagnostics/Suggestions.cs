using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Dsl.Diagnostics;

/// <summary>"Did you mean …?" for misspelled names, by edit distance.</summary>
public static class Suggestions
{
    /// <summary>
    /// <c>" (did you mean 'x'?)"</c> for the closest candidate within a small edit distance,
    /// or an empty string when nothing is close.
    /// </summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(word.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(t => t.Distance <= Math.Max(1, Math.Min(2, word.Length / 2)))
            .OrderBy(t => t.Distance)
            .ThenBy(t => t.Candidate, StringComparer.Ordinal)
            .Select(t => t.Candidate)
            .FirstOrDefault();
        return best is null ? "" : $" (did you mean '{best}'?)";
    }

    /// <summary>Levenshtein distance.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
