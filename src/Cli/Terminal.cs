using System.IO;
using Spectre.Console;

namespace EffNetGen.Cli;

/// <summary>Spectre.Console over a given writer: colours only on a real terminal, a fixed width otherwise.</summary>
internal static class Terminal
{
    public static IAnsiConsole For(TextWriter writer)
    {
        var isTerminal = writer == System.Console.Out && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!isTerminal)
        {
            console.Profile.Width = 200; // redirected output: never wrap table rows
        }
        return console;
    }
}

/// <summary>Table helpers that never interpret cell text as Spectre markup.</summary>
internal static class TableExtensions
{
    public static Table AddPlainRow(this Table table, params string[] cells) =>
        table.AddRow(System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(cells, c => (Spectre.Console.Rendering.IRenderable)new Text(c))));
}
