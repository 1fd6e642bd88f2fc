using System;
using EffNetGen.Cli;

return EffNetCli.Run(args, Console.Out, Console.Error);
