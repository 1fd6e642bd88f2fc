using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace EffNetGen.Generator.Tests;

/// <summary>
/// Golden-file snapshots with Verify's conventions: <c>Snapshots/NAME.verified.cs</c> is committed and
/// reviewed; a mismatch writes <c>NAME.received.cs</c> beside it and fails. Set
/// <c>EFFNETGEN_ACCEPT_SNAPSHOTS=1</c> to accept the received text (then review the diff).
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        if (Environment.GetEnvironmentVariable("EFFNETGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
        }
        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {verified}. Review {received} and rename it to .verified.cs (or set EFFNETGEN_ACCEPT_SNAPSHOTS=1)."
            : $"Generated code differs from {verified}. Compare with {received}; if the change is intended, accept it.");
    }
}
