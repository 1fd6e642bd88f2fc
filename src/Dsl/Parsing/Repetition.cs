using System.Collections.Generic;
using System.Linq;
using Sprache;

namespace EffNetGen.Dsl.Parsing;

/// <summary>
/// Sprache's <c>XMany</c> and <c>XAtLeastOnce</c> — fail if an item fails after consuming input, else stop before it —
/// running the item parser once per item. Sprache's run it again where <c>Many</c> stopped, to see whether it consumed
/// input; in an unterminated block that failing item is the rest of the file, and every enclosing level reruns the
/// reruns of the levels inside it: 2^depth parses of the same tail (issue 21, D17: 100 KB took 20 s at 7 levels).
/// </summary>
internal static class Repetition
{
    /// <summary>Zero or more <paramref name="item"/>s; fails where an item fails after consuming input.</summary>
    internal static Parser<IEnumerable<T>> Repeat<T>(this Parser<T> item) => input =>
    {
        var items = new List<T>();
        var remainder = input;
        while (true)
        {
            var result = item(remainder);
            if (!result.WasSuccessful && !result.Remainder.Equals(remainder))
            {
                return Result.Failure<IEnumerable<T>>(result.Remainder, result.Message, result.Expectations);
            }
            if (!result.WasSuccessful || result.Remainder.Equals(remainder))
            {
                return Result.Success<IEnumerable<T>>(items, remainder);
            }
            items.Add(result.Value);
            remainder = result.Remainder;
        }
    };

    /// <summary>One or more <paramref name="item"/>s, as <see cref="Repeat{T}"/> after the first.</summary>
    internal static Parser<IEnumerable<T>> RepeatAtLeastOnce<T>(this Parser<T> item) =>
        from first in item
        from rest in item.Repeat()
        select new[] { first }.Concat(rest);
}
