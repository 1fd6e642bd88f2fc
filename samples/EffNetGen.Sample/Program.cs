using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using EffNetGen.Sample;
using static TorchSharp.torch;

// Every variant generated from specs/*.effnet: compile-time constants next to what TorchSharp counts on the
// instantiated module. The modules are created on the meta device: real shapes, no memory (L2 has 480M parameters).
Console.WriteLine($"{"model",-22} {"class",-22} {"resolution",10} {"ParameterCount",15} {"parameters()",15} {"GMACs",9}");
var mismatches = 0;
foreach (var info in EffNetModels.All)
{
    using var model = info.Create(device: META);
    var counted = model.parameters().Sum(p => p.numel());
    mismatches += counted == info.ParameterCount ? 0 : 1;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{info.Name,-22} {info.TypeName.Split('.')[^1],-22} {info.Resolution,10} {info.ParameterCount,15:N0} {counted,15:N0} {info.Macs / 1e9,9:F3}"));
}

// One inference of B0 on a random image.
using var b0 = new EfficientNetB0();
b0.eval();
using (var scope = NewDisposeScope())
using (inference_mode())
{
    var input = randn(1, 3, EfficientNetB0.Resolution, EfficientNetB0.Resolution);
    b0.call(input); // warm-up: the first call initialises libtorch's kernels
    var clock = Stopwatch.StartNew();
    var logits = b0.call(input);
    clock.Stop();
    var top5 = logits.topk(5).indexes[0].data<long>().ToArray();
    Console.WriteLine();
    Console.WriteLine($"EfficientNetB0 forward (eval, random 1x3x224x224 input): output [{string.Join(", ", logits.shape)}], " +
                      $"top-5 classes [{string.Join(", ", top5)}], {clock.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms");
}
return mismatches == 0 ? 0 : 1;
