using System;
using System.Linq;
using System.Reflection;
using EffNetGen.Dsl.Binding;

namespace EffNetGen.Runtime.Tests;

/// <summary>The binder's lists of names a spec may not take, against the code they describe.</summary>
public class GeneratedNamesTests
{
    [Fact]
    public void The_reserved_member_names_are_exactly_what_a_generated_class_declares()
    {
        var declared = typeof(EfficientNetB0).GetMembers(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance)
            .Select(m => m.Name)
            .Where(n => n is not (".ctor" or ".cctor") && !n.Contains('<')) // constructors and backing fields have no spellable name
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, CSharpNames.GeneratedMembers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_reserved_namespaces_cover_every_namespace_of_EffNetGens_assemblies()
    {
        var assemblies = new[]
        {
            typeof(EfficientNetModule), typeof(NetworkPlan), typeof(Formats.AtomicFile), typeof(OnnxRuntime.ImageClassifier),
            typeof(Dsl.SpecCompiler), typeof(CodeGen.ModelEmitter),
        }.Select(t => t.Assembly);

        var namespaces = assemblies.SelectMany(a => a.GetTypes()).Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith("EffNetGen", StringComparison.Ordinal)).Distinct();

        Assert.All(namespaces, ns => Assert.Contains(ns, CSharpNames.LibraryNamespaces));
    }
}
