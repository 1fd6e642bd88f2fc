using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Dsl.Binding;

/// <summary>
/// Checks that spec names, and the namespaces a project or the tool gives, can become C# type and namespace names
/// without escaping or clashing — the one rule the binder, the source generator and <c>effnet</c> apply.
/// </summary>
public static class CSharpNames
{
    /// <summary>
    /// The members every generated class declares (the C# emitter's; a test compares them with a generated class): a
    /// class of one of these names could not declare it (CS0542).
    /// </summary>
    public static readonly IReadOnlyCollection<string> GeneratedMembers = new HashSet<string>(
        ("ParameterCount Macs Resolution Width Depth Dropout StochasticDepthRate NumClasses ModelName Training get_Training " +
         "CropPct PreprocessSettings get_PreprocessSettings Preprocess Blueprint get_Blueprint").Split(' '));

    /// <summary>
    /// The namespaces of EffNetGen's own assemblies (a test compares them with the assemblies): a generated class there
    /// could take the full name of a library type (a variant <c>Options</c> of family <c>Model</c> in
    /// <c>EffNetGen.Runtime</c> would be <c>EffNetGen.Runtime.ModelOptions</c>).
    /// </summary>
    public static readonly IReadOnlyCollection<string> LibraryNamespaces = new HashSet<string>(
        ("EffNetGen EffNetGen.Architecture EffNetGen.Dsl EffNetGen.Dsl.Binding EffNetGen.Dsl.Diagnostics EffNetGen.Dsl.Model " +
         "EffNetGen.Dsl.Parsing EffNetGen.Dsl.Resolution EffNetGen.Dsl.Syntax EffNetGen.Dsl.Text EffNetGen.CodeGen " +
         "EffNetGen.CodeGen.PyTorch EffNetGen.Generator EffNetGen.Tasks " +
         "EffNetGen.Runtime EffNetGen.Runtime.Blocks EffNetGen.Runtime.Inference EffNetGen.Runtime.Onnx EffNetGen.Runtime.Platform " +
         "EffNetGen.Runtime.Training EffNetGen.Runtime.Weights EffNetGen.Formats EffNetGen.Formats.Hub EffNetGen.Formats.Onnx " +
         "EffNetGen.Formats.Safetensors EffNetGen.Formats.Torch EffNetGen.OnnxRuntime EffNetGen.OnnxRuntime.Imaging " +
         "EffNetGen.OnnxRuntime.Labels").Split(' '));

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

    /// <summary>
    /// The most UTF-8 bytes a generated class name, or a namespace, may have: a type's full name (namespace, dot, name)
    /// is a metadata name, which C# limits to 1,023 bytes (CS7013, issue 21, D14); half of it each keeps any pair within.
    /// </summary>
    public const int MaxNameBytes = 511;

    /// <summary>Why <paramref name="name"/> cannot name a generated class (as <see cref="Problem"/>, a generated member's name, or too long), or null.</summary>
    public static string? ClassProblem(string name) =>
        Problem(name)
        ?? (GeneratedMembers.Contains(name) ? "every generated class declares a member of that name, and a class cannot (CS0542)" : null)
        ?? LengthProblem(name, "a generated class name");

    /// <summary>Why <paramref name="name"/> is not a usable namespace for generated classes, or null when it is.</summary>
    public static string? NamespaceProblem(string name) =>
        name.Split('.').Select(Problem).FirstOrDefault(p => p is not null)
        ?? (LibraryNamespaces.Contains(name) ? "it is one of EffNetGen's own namespaces, where a generated class could replace a library type" : null)
        ?? LengthProblem(name, "a namespace of generated classes");

    private static string? LengthProblem(string name, string what) =>
        System.Text.Encoding.UTF8.GetByteCount(name) is var bytes and > MaxNameBytes
            ? string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "it is {0:N0} bytes long in UTF-8; {1} may have at most {2:N0}, so that a type's full name stays within C#'s limit of 1,023 for metadata names (CS7013)",
                bytes, what, MaxNameBytes)
            : null;
}
