using System;
using TorchSharp;
using EffNetGen.Runtime.Blocks;
using static TorchSharp.torch;
var m = new MBConv(32, 192, 8, 24, 3, 2, 0.1, new EffNetGen.Runtime.NormSettings(1e-5, 0.1));
foreach (var (k, v) in m.state_dict()) Console.WriteLine($"{k} {string.Join("x", v.shape)}");
var y = m.call(randn(2, 32, 16, 16));
Console.WriteLine(string.Join(",", y.shape));
