using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>
/// The part every generated EfficientNet shares: <c>features</c> (built by the generated constructor),
/// <c>avgpool</c> and <c>classifier</c> (dropout, linear), torchvision's weight initialisation, and forward.
/// </summary>
/// <remarks>
/// Tensors are native memory. <see cref="forward"/> disposes its temporaries through a dispose scope and
/// returns only its result; callers own that result (dispose it, or run inference inside their own
/// <c>torch.NewDisposeScope()</c>). Dispose the module to free its weights.
/// </remarks>
public abstract class EfficientNetModule : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _features;
    private readonly nn.Module<Tensor, Tensor> _avgpool = nn.AdaptiveAvgPool2d(1);
    private readonly nn.Module<Tensor, Tensor> _classifier;

    /// <summary>Registers the generated feature extractor and adds pooling and the classifier.</summary>
    protected EfficientNetModule(
        string name, nn.Module<Tensor, Tensor> features, long featureChannels, double dropout, long numClasses, Device? device = null)
        : base(name)
    {
        if (numClasses < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a classifier needs at least one class");
        }
        _features = features;
        _classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(featureChannels, numClasses, device: device));
        register_module("features", _features);
        register_module("avgpool", _avgpool);
        register_module("classifier", _classifier);
        InitializeWeights();
    }

    /// <summary>The feature extractor (<c>features</c>): stem, one <c>Sequential</c> per stage, head.</summary>
    public nn.Module<Tensor, Tensor> Features => _features;

    /// <summary>Pooled features before the classifier, shape [N, featureChannels].</summary>
    public Tensor ForwardFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        return _avgpool.call(_features.call(input)).flatten(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return _classifier.call(ForwardFeatures(input)).MoveToOuterDisposeScope();
    }

    private static void InitializeConvolution(Tensor weight, Tensor? bias)
    {
        nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanOut);
        if (bias is not null)
        {
            nn.init.zeros_(bias);
        }
    }

    /// <summary>torchvision's EfficientNet initialisation (kaiming-normal fan-out convs, unit BatchNorm, uniform linear).</summary>
    private void InitializeWeights()
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    InitializeConvolution(conv.weight, conv.bias);
                    break;
                case Blocks.Conv2dSame conv:
                    InitializeConvolution(conv.weight, conv.bias);
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
                case Linear linear:
                    var range = 1.0 / Math.Sqrt(linear.out_features);
                    nn.init.uniform_(linear.weight, -range, range);
                    if (linear.bias is not null)
                    {
                        nn.init.zeros_(linear.bias);
                    }
                    break;
            }
        }
    }
}
