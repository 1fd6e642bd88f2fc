using System;
using System.IO;
using EffNetGen.Formats.Hub;

namespace EffNetGen.Cli;

/// <summary>
/// A download's progress on the error stream: a bar redrawn in place on a terminal, otherwise a line at each quarter
/// (so logs stay short).
/// </summary>
internal sealed class DownloadProgressBar(TextWriter writer) : IProgress<DownloadProgress>
{
    private readonly bool _terminal = writer == Console.Error && !Console.IsErrorRedirected;
    private int _lastStep = -1;

    public void Report(DownloadProgress value)
    {
        var fraction = value.Total is > 0 ? Math.Min(1.0, (double)value.Received / value.Total.Value) : 0.0;
        var megabytes = FormattableString.Invariant($"{value.Received / 1e6:0.0}/{(value.Total ?? 0) / 1e6:0.0} MB");
        if (_terminal)
        {
            var filled = (int)(fraction * 30);
            writer.Write(FormattableString.Invariant($"\r{value.File} [{new string('#', filled)}{new string(' ', 30 - filled)}] {fraction * 100,3:0}% {megabytes}"));
            if (fraction >= 1.0)
            {
                writer.WriteLine();
            }
            return;
        }
        var step = (int)(fraction * 4);
        if (step > _lastStep)
        {
            _lastStep = step;
            writer.WriteLine(FormattableString.Invariant($"{value.File}: {step * 25}% ({megabytes})"));
        }
    }
}
