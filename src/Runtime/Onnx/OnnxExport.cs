using System;
using System.IO;
using System.Linq;
using EffNetGen.Runtime.Blocks;
using EffNetGen.Runtime.Inference;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Onnx;

/// <summary>
/// Writes a generated model as an ONNX model (opset 17, IR version 8) with its current weights, for ONNX Runtime and
/// other engines. TorchSharp cannot export ONNX; the model's structure is known exactly, so the graph is written here:
/// every convolution with its BatchNorm folded in (eval statistics), Sigmoid·x for SiLU, Clip for ReLU6, 'same'
/// padding as <c>auto_pad SAME_UPPER</c> (TensorFlow pads the extra row and column at the end), squeeze-excitation as
/// GlobalAveragePool → 1×1 Conv → activation → 1×1 Conv → Sigmoid → Mul, residuals as Add, and the classifier as
/// GlobalAveragePool → Flatten → Gemm. Input <c>input</c> [batch, channels, height, width] (batch, height and width
/// dynamic), output <c>logits</c> [batch, classes]. Dropout and stochastic depth are identities in inference.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the exported graphs use.</summary>
    public const int Opset = 17;

    private const int IrVersion = 8; // the IR version of opset 17

    /// <summary>
    /// Writes <paramref name="model"/> with its current weights to <paramref name="path"/>. The file is written whole
    /// or not at all (a temporary file is moved into place). The model itself is not changed.
    /// </summary>
    public static void ExportOnnx(this EfficientNetModule model, string path)
    {
        using var noGrad = no_grad();
        using var graph = new OnnxGraph(model.GetType().Name);
        var x = graph.Input("input", "batch", model.InputChannels, "height", "width");
        foreach (var unit in model.FeatureUnits())
        {
            var h = x;
            foreach (var (name, layer) in unit.Layers)
            {
                h = layer is ConvNormActivation conv ? Conv(graph, name, conv, h) : Squeeze(graph, name, (SqueezeExcitation)layer, h);
            }
            x = unit.Residual ? graph.Node("Add", $"{unit.Path}.add", new[] { h, x }) : h;
        }
        var pooled = graph.Node("GlobalAveragePool", "avgpool", new[] { x });
        var flat = graph.Node("Flatten", "flatten", new[] { pooled }, new OnnxAttribute("axis", Int: 1));
        var weight = graph.Initializer("classifier.1.weight", model.ClassifierLinear.weight!);
        var bias = graph.Initializer("classifier.1.bias", model.ClassifierLinear.bias!);
        graph.Node("Gemm", "logits", new[] { flat, weight, bias }, new OnnxAttribute("transB", Int: 1));
        graph.Output("logits", "batch", model.ClassCount);
        Write(path, model.GetType().Name, graph);
    }

    /// <summary>Convolution with its BatchNorm folded in, then the activation.</summary>
    private static string Conv(OnnxGraph graph, string name, ConvNormActivation layer, string input)
    {
        using var folded = new FoldedConv(layer, channelsLast: false);
        var kernel = folded.Weight.shape[2];
        var padding = folded.SamePadding
            ? new OnnxAttribute("auto_pad", Text: "SAME_UPPER")
            : new OnnxAttribute("pads", Ints: Enumerable.Repeat((kernel - 1) / 2, 4).ToArray());
        var output = graph.Node("Conv", $"{name}.conv", new[] { input, graph.Initializer($"{name}.weight", folded.Weight), graph.Initializer($"{name}.bias", folded.Bias) },
            new OnnxAttribute("kernel_shape", Ints: new[] { kernel, kernel }),
            new OnnxAttribute("strides", Ints: new[] { folded.Stride, folded.Stride }),
            new OnnxAttribute("group", Int: folded.Groups),
            padding);
        return Activate(graph, name, folded.Activation, output);
    }

    private static string Squeeze(OnnxGraph graph, string name, SqueezeExcitation se, string input)
    {
        var pooled = graph.Node("GlobalAveragePool", $"{name}.avgpool", new[] { input });
        var reduced = graph.Node("Conv", $"{name}.fc1", new[] { pooled, graph.Initializer($"{name}.fc1.weight", se.Reduce.weight), graph.Initializer($"{name}.fc1.bias", se.Reduce.bias!) });
        var activated = Activate(graph, $"{name}.fc1", se.ActivationKind, reduced);
        var expanded = graph.Node("Conv", $"{name}.fc2", new[] { activated, graph.Initializer($"{name}.fc2.weight", se.Expand.weight), graph.Initializer($"{name}.fc2.bias", se.Expand.bias!) });
        var gate = graph.Node("Sigmoid", $"{name}.gate", new[] { expanded });
        return graph.Node("Mul", $"{name}.scale", new[] { input, gate });
    }

    private static string Activate(OnnxGraph graph, string name, Activation activation, string x) => activation switch
    {
        Activation.None => x,
        Activation.SiLU => graph.Node("Mul", $"{name}.silu", new[] { x, graph.Node("Sigmoid", $"{name}.sigmoid", new[] { x }) }),
        Activation.ReLU => graph.Node("Relu", $"{name}.relu", new[] { x }),
        Activation.ReLU6 => graph.Node("Clip", $"{name}.relu6", new[] { x, graph.Constant($"{name}.relu6.min", 0), graph.Constant($"{name}.relu6.max", 6) }),
        Activation.HardSwish => graph.Node("HardSwish", $"{name}.hardswish", new[] { x }),
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

    private static void Write(string path, string modelName, OnnxGraph graph)
    {
        using var model = new ProtoMessage()
            .Int64(1, IrVersion)
            .String(2, "EffNetGen")
            .String(3, typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0")
            .String(6, modelName + ", exported by EffNetGen: BatchNorm folded into the convolutions (eval statistics)")
            .Bytes(7, graph.Contents());
        model.Message(8, new ProtoMessage().String(1, "").Int64(2, Opset));
        var temporary = path + ".tmp";
        try
        {
            using (var file = File.Create(temporary))
            {
                file.Write(model.Contents().Span);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
