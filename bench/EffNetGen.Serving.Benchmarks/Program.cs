using System;
using System.Globalization;
using EffNetGen.Serving.Benchmarks;

// No arguments: the serving table of docs/deployment.md. `serving-case MODEL BATCH METHOD`: one case (a child process).
Console.WriteLine($"# {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine();
if (args.Length == 4 && args[0] == "serving-case")
{
    return ServingTable.RunCase(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
}
ServingTable.Print();
return 0;
