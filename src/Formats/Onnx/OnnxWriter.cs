using System;
using System.Globalization;
using System.Linq;

namespace EffNetGen.Formats.Onnx;

/// <summary>What an export writes besides the logits.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// Also output the multi-scale feature maps (<c>features_0</c>, <c>features_1</c>, …: the last map at each stride,
    /// as the runtime's <c>Features</c> returns them) for detection and segmentation heads.
    /// </summary>
    public bool Features { get; init; }
}

/// <summary>
/// Writes a network as an ONNX model (opset 17, IR version 8): every convolution with its BatchNorm folded in (eval
/// statistics, folded in double precision), Sigmoid·x for SiLU, Clip for ReLU6, 'same' padding as <c>auto_pad
/// SAME_UPPER</c> (TensorFlow pads the extra row and column at the end), squeeze-excitation as GlobalAveragePool →
/// 1×1 Conv → activation → 1×1 Conv → Sigmoid (or HardSigmoid) → Mul, residuals as Add, and the classifier as GlobalAveragePool →
/// Flatten → Gemm. Input <c>input</c> [batch, channels, height, width] (batch, height and width dynamic), output
/// <c>logits</c> [batch, classes]. Dropout and stochastic depth are identities in inference.
/// </summary>
public static class OnnxWriter
{
    /// <summary>The ONNX operator set the exported graphs use.</summary>
    public const int Opset = 17;

    private const int IrVersion = 8; // the IR version of opset 17

    /// <summary>
    /// The largest ONNX file this writer produces: protobuf's limit for one message, 2 GiB − 1 bytes. ONNX's external
    /// data format, which larger models need, is not written.
    /// </summary>
    public const long MaxModelBytes = int.MaxValue;

    /// <summary>
    /// The bytes of the weights an export of <paramref name="plan"/> writes, counted from the plan before any weight
    /// is read: each convolution's (equivalent) kernel and folded bias, and the squeeze-excitation and classifier
    /// tensors, in float32 (the hidden layer's BatchNorm counted, not folded: an upper bound there).
    /// </summary>
    public static long WeightBytes(NetworkPlan plan) => sizeof(float) * (plan.Units.SelectMany(u => u.Layers).Sum(layer => layer is ConvLayer conv
            ? ConvWeightShape(conv).Aggregate(1L, (product, d) => product * d) + conv.OutputChannels
            : layer.Tensors().Sum(t => t.Elements))
        + plan.ClassifierTensors().Where(t => t.Learnable).Sum(t => t.Elements));

    /// <summary>Why <paramref name="plan"/> cannot be written as one ONNX file (<see cref="WeightBytes"/> above <see cref="MaxModelBytes"/>), or null.</summary>
    public static string? SizeProblem(NetworkPlan plan)
    {
        var bytes = WeightBytes(plan);
        return bytes > MaxModelBytes
            ? string.Create(CultureInfo.InvariantCulture,
                $"{plan.Name} has {plan.Parameters:N0} parameters, {bytes:N0} bytes of float32 weights in ONNX: above the {MaxModelBytes:N0} bytes one ONNX file can hold (protobuf's 2 GiB limit); ONNX's external data format is not supported")
            : null;
    }

    /// <summary>
    /// Writes <paramref name="plan"/> with the tensors of <paramref name="weights"/> to <paramref name="path"/>, whole or
    /// not at all (a temporary file is moved into place).
    /// </summary>
    /// <exception cref="WeightFormatException">The weights do not fit the plan; nothing is written.</exception>
    /// <exception cref="NotSupportedException">The model is larger than <see cref="MaxModelBytes"/> (<see cref="SizeProblem"/>); nothing is read or written.</exception>
    public static void Write(NetworkPlan plan, WeightSource weights, string path, OnnxExportOptions? options = null)
    {
        using var model = Build(plan, weights, options);
        AtomicFile.Write(path, file => file.Write(model.Contents().Span));
    }

    /// <summary>
    /// The ONNX model of <paramref name="plan"/> with the tensors of <paramref name="weights"/>, in memory: what
    /// <see cref="Write"/> would write, for an inference session that never touches the disk.
    /// </summary>
    /// <exception cref="WeightFormatException">The weights do not fit the plan.</exception>
    /// <exception cref="NotSupportedException">The model is larger than <see cref="MaxModelBytes"/> (<see cref="SizeProblem"/>).</exception>
    public static byte[] ToBytes(NetworkPlan plan, WeightSource weights, OnnxExportOptions? options = null)
    {
        using var model = Build(plan, weights, options);
        return model.Contents().ToArray();
    }

    private static ProtoMessage Build(NetworkPlan plan, WeightSource weights, OnnxExportOptions? options)
    {
        if (SizeProblem(plan) is { } tooLarge)
        {
            throw new NotSupportedException(tooLarge);
        }
        options ??= new OnnxExportOptions();
        weights.CheckHolds(plan.Tensors().Select(t => (t.Name, t.Shape.ToArray())), plan.Name);
        using var graph = new OnnxGraph(plan.Name);
        var x = graph.Input("input", "batch", plan.InputChannels, "height", "width");
        var levelUnits = plan.FeatureLevelUnits().ToList();
        for (var u = 0; u < plan.Units.Count; u++)
        {
            var unit = plan.Units[u];
            var h = x;
            foreach (var layer in unit.Layers)
            {
                h = layer is ConvLayer conv ? Conv(graph, conv, plan.Norm, weights, h) : Squeeze(graph, (SqueezeLayer)layer, weights, h);
            }
            x = unit.Residual ? graph.Node("Add", $"{unit.Path}.add", new[] { h, x }) : h;
            if (options.Features && levelUnits.IndexOf(u) is var level and >= 0)
            {
                var name = $"features_{level}";
                graph.Output(graph.Node("Identity", name, new[] { x }), "batch", unit.OutputChannels, $"{name}_height", $"{name}_width");
            }
        }
        var pooled = graph.Node("GlobalAveragePool", "avgpool", new[] { x });
        var flat = graph.Node("Flatten", "flatten", new[] { pooled }, new OnnxAttribute("axis", Int: 1));
        if (plan.Hidden is { } hidden)
        {
            var (hiddenWeight, hiddenBias) = HiddenLayer(plan, hidden, weights);
            var projected = graph.Node("Gemm", NetworkPlan.HiddenPath, new[]
            {
                flat,
                graph.Initializer(NetworkPlan.HiddenPath + ".weight", hiddenWeight, new long[] { hidden.Width, plan.FeatureChannels }),
                graph.Initializer(NetworkPlan.HiddenPath + ".bias", hiddenBias, new long[] { hidden.Width }),
            }, new OnnxAttribute("transB", Int: 1));
            flat = Activate(graph, NetworkPlan.HiddenPath, hidden.Activation, projected);
        }
        var output = plan.ClassifierPath;
        graph.Node("Gemm", "logits", new[]
        {
            flat,
            Initializer(graph, weights, output + ".weight", new long[] { plan.Classes, plan.ClassifierInput }),
            Initializer(graph, weights, output + ".bias", new long[] { plan.Classes }),
        }, new OnnxAttribute("transB", Int: 1));
        graph.Output("logits", "batch", plan.Classes);
        return Model(plan.Name, graph);
    }

    private static string Initializer(OnnxGraph graph, WeightSource weights, string name, long[] shape) =>
        graph.Initializer(name, weights.Read(name), shape);

    /// <summary>The convolution with its BatchNorm folded in, then the activation.</summary>
    private static string Conv(OnnxGraph graph, ConvLayer layer, NormSettings norm, WeightSource weights, string input)
    {
        var (weight, bias) = Fold(layer, norm.Eps, weights);
        var shape = ConvWeightShape(layer);
        var groups = layer.Equivalent().Groups;
        var padding = layer.SamePadding
            ? new OnnxAttribute("auto_pad", Text: "SAME_UPPER")
            : new OnnxAttribute("pads", Ints: Enumerable.Repeat((long)layer.SymmetricPadding, 4).ToArray());
        var output = graph.Node("Conv", $"{layer.Path}.conv", new[]
            {
                input,
                graph.Initializer($"{layer.Path}.weight", weight, shape),
                graph.Initializer($"{layer.Path}.bias", bias, new long[] { layer.OutputChannels }),
            },
            new OnnxAttribute("kernel_shape", Ints: new long[] { layer.Kernel, layer.Kernel }),
            new OnnxAttribute("strides", Ints: new long[] { layer.Stride, layer.Stride }),
            new OnnxAttribute("dilations", Ints: new long[] { layer.Dilation, layer.Dilation }),
            new OnnxAttribute("group", Int: groups),
            padding);
        return Activate(graph, layer.Path, layer.Activation, output);
    }

    /// <summary>The exported kernel's shape: [out, in / groups, k, k] of the layer's equivalent convolution (<see cref="ConvLayer.Equivalent"/>).</summary>
    private static long[] ConvWeightShape(ConvLayer layer)
    {
        var (kernel, groups) = layer.Equivalent();
        return new long[] { layer.OutputChannels, layer.InputChannels / groups, kernel, kernel };
    }

    /// <summary>The convolution's kernel and the BatchNorm at <c>{Path}.1</c> folded into it.</summary>
    private static (float[] Weight, float[] Bias) Fold(ConvLayer layer, double eps, WeightSource weights) =>
        Fold(Kernel(layer, weights), $"{layer.Path}.1", layer.OutputChannels, eps, weights);

    /// <summary>The hidden classifier layer's weight and bias, with its BatchNorm folded in when it has one.</summary>
    private static (float[] Weight, float[] Bias) HiddenLayer(NetworkPlan plan, HiddenLayer hidden, WeightSource weights) =>
        hidden.Norm
            ? Fold(weights.Read(NetworkPlan.HiddenPath + ".weight"), NetworkPlan.HiddenNormPath, hidden.Width, plan.Norm.Eps, weights)
            : (weights.Read(NetworkPlan.HiddenPath + ".weight"), weights.Read(NetworkPlan.HiddenPath + ".bias"));

    /// <summary>w' = w · γ/√(σ² + ε) per output channel, b' = β − μ · γ/√(σ² + ε), with the BatchNorm at <paramref name="norm"/>.</summary>
    private static (float[] Weight, float[] Bias) Fold(float[] weight, string norm, int channels, double eps, WeightSource weights)
    {
        var gamma = weights.Read($"{norm}.weight");
        var beta = weights.Read($"{norm}.bias");
        var mean = weights.Read($"{norm}.running_mean");
        var variance = weights.Read($"{norm}.running_var");
        var perChannel = weight.Length / channels;
        var bias = new float[channels];
        for (var o = 0; o < channels; o++)
        {
            var scale = gamma[o] / Math.Sqrt(variance[o] + eps);
            for (var i = o * perChannel; i < (o + 1) * perChannel; i++)
            {
                weight[i] = (float)(weight[i] * scale);
            }
            bias[o] = (float)(beta[o] - (mean[o] * scale));
        }
        return (weight, bias);
    }

    /// <summary>
    /// The layer's kernel, [out, in / groups, k, k] row-major: the stored one, or a mixed convolution's parts placed in
    /// its equivalent kernel (<see cref="ConvLayer.Equivalent"/>, zeros elsewhere).
    /// </summary>
    private static float[] Kernel(ConvLayer layer, WeightSource weights)
    {
        if (!layer.IsMixed)
        {
            return weights.Read($"{layer.Path}.0.weight");
        }
        var (kernel, groups) = layer.Equivalent();
        var columns = layer.InputChannels / groups;
        var result = new float[(long)layer.OutputChannels * columns * kernel * kernel];
        foreach (var part in layer.Parts())
        {
            var (values, partColumns) = (weights.Read($"{layer.Path}.0{part.Suffix}.weight"), part.InputChannels / part.Groups);
            for (var o = 0; o < part.OutputChannels; o++)
            {
                for (var i = 0; i < partColumns; i++)
                {
                    for (var y = 0; y < part.Kernel; y++)
                    {
                        var source = (((o * partColumns) + i) * part.Kernel + y) * part.Kernel;
                        var target = ((((part.OutputOffset + o) * columns) + part.InputOffset + i) * kernel + part.KernelOffset + y) * kernel + part.KernelOffset;
                        Array.Copy(values, source, result, target, part.Kernel);
                    }
                }
            }
        }
        return result;
    }

    private static string Squeeze(OnnxGraph graph, SqueezeLayer se, WeightSource weights, string input)
    {
        var name = se.Path;
        var shapes = se.Tensors().ToDictionary(t => t.Name, t => t.Shape.ToArray());
        string Parameter(string tensor) => graph.Initializer($"{name}.{tensor}", weights.Read($"{name}.{tensor}"), shapes[$"{name}.{tensor}"]);
        var pooled = graph.Node("GlobalAveragePool", $"{name}.avgpool", new[] { input });
        var reduced = graph.Node("Conv", $"{name}.fc1", new[] { pooled, Parameter("fc1.weight"), Parameter("fc1.bias") });
        var activated = Activate(graph, $"{name}.fc1", se.Activation, reduced);
        var expanded = graph.Node("Conv", $"{name}.fc2", new[] { activated, Parameter("fc2.weight"), Parameter("fc2.bias") });
        // PyTorch's hardsigmoid is relu6(x + 3) / 6: ONNX HardSigmoid max(0, min(1, alpha·x + beta)) with alpha 1/6, beta 1/2.
        var gate = se.Gate == Gate.HardSigmoid
            ? graph.Node("HardSigmoid", $"{name}.gate", new[] { expanded }, new OnnxAttribute("alpha", Float: 1f / 6), new OnnxAttribute("beta", Float: 0.5f))
            : graph.Node("Sigmoid", $"{name}.gate", new[] { expanded });
        return graph.Node("Mul", $"{name}.scale", new[] { input, gate });
    }

    private static string Activate(OnnxGraph graph, string name, Activation activation, string x) => activation switch
    {
        Activation.None => x,
        Activation.SiLU => graph.Node("Mul", $"{name}.silu", new[] { x, graph.Node("Sigmoid", $"{name}.sigmoid", new[] { x }) }),
        Activation.ReLU => graph.Node("Relu", $"{name}.relu", new[] { x }),
        Activation.ReLU6 => graph.Node("Clip", $"{name}.relu6", new[] { x, graph.Constant($"{name}.relu6.min", 0), graph.Constant($"{name}.relu6.max", 6) }),
        Activation.HardSwish => graph.Node("HardSwish", $"{name}.hardswish", new[] { x }),
        Activation.Sigmoid => graph.Node("Sigmoid", $"{name}.sigmoid", new[] { x }),
        Activation.LeakyReLU => graph.Node("LeakyRelu", $"{name}.leaky_relu", new[] { x }, new OnnxAttribute("alpha", Float: 0.01f)),
        // Mish has an ONNX operator only from opset 18: x · tanh(softplus(x)).
        Activation.Mish => graph.Node("Mul", $"{name}.mish", new[]
        {
            x, graph.Node("Tanh", $"{name}.mish.tanh", new[] { graph.Node("Softplus", $"{name}.mish.softplus", new[] { x }) }),
        }),
        // GELU (exact, as torch's default): x · ½ · (1 + erf(x / √2)); ONNX has a Gelu operator only from opset 20.
        _ => graph.Node("Mul", $"{name}.gelu", new[]
        {
            graph.Node("Mul", $"{name}.gelu.half", new[] { x, graph.Constant($"{name}.gelu.one_half", 0.5f) }),
            graph.Node("Add", $"{name}.gelu.one_plus", new[]
            {
                graph.Node("Erf", $"{name}.gelu.erf", new[] { graph.Node("Div", $"{name}.gelu.scaled", new[] { x, graph.Constant($"{name}.gelu.sqrt2", MathF.Sqrt(2)) }) }),
                graph.Constant($"{name}.gelu.one", 1),
            }),
        }),
    };

    private static ProtoMessage Model(string modelName, OnnxGraph graph)
    {
        var model = new ProtoMessage()
            .Int64(1, IrVersion)
            .String(2, "EffNetGen")
            .String(3, typeof(OnnxWriter).Assembly.GetName().Version?.ToString() ?? "0")
            .String(6, modelName + ", exported by EffNetGen: BatchNorm folded into the convolutions (eval statistics)")
            .Bytes(7, graph.Contents());
        model.Message(8, new ProtoMessage().String(1, "").Int64(2, Opset));
        return model;
    }
}
