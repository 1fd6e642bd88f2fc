using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Dsl.Binding;

/// <summary>Checks that spec names can become C# type names without escaping or clashing.</summary>
internal static class CSharpNames
{
    // Reserved C# keywords (contextual keywords are legal type names).
    private static readonly HashSet<string> Reserved = new(
        ("abstract as base bool break byte case catch char checked class const continue decimal default delegate do " +
         "double else enum event explicit extern false finally fixed float for foreach goto if implicit in int " +
         "interface internal is lock long namespace new null object operator out override params private protected " +
         "public readonly ref return sbyte sealed short sizeof stackalloc static string struct switch this throw true " +
         "try typeof uint ulong unchecked unsafe ushort using virtual void volatile while").Split(' '));

    /// <summary>Why <paramref name="name"/> is not usable as a type name, or null when it is.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return "a C# identifier must start with a letter or '_'";
        }
        if (!name.All(c => char.IsLetterOrDigit(c) || c == '_'))
        {
            return "a C# identifier may only contain letters, digits and '_'";
        }
        if (Reserved.Contains(name))
        {
            return "it is a reserved C# keyword";
        }
        return name.All(c => c == '_') ? "a name made only of '_' is a discard, not a type name" : null;
    }

    /// <summary>Why <paramref name="name"/> is not a usable namespace, or null when it is.</summary>
    public static string? NamespaceProblem(string name) =>
        name.Split('.').Select(Problem).FirstOrDefault(p => p is not null);
}
