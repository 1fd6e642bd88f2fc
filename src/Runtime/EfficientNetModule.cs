using System;
using System.Collections.Generic;
using System.Linq;
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
    private readonly Linear _linear;
    private readonly nn.Module<Tensor, Tensor> _classifier;
    private readonly IReadOnlyList<int> _featureLevels;

    /// <summary>Registers the generated feature extractor and adds pooling and the classifier.</summary>
    /// <param name="featureLevels">Indices of the <c>features</c> children whose outputs <see cref="Features"/> returns.</param>
    protected EfficientNetModule(
        string name, nn.Module<Tensor, Tensor> features, long featureChannels, long numClasses, double dropout, Device? device,
        IReadOnlyList<int> featureLevels)
        : base(name)
    {
        if (numClasses < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a classifier needs at least one class");
        }
        _features = features;
        _featureLevels = featureLevels;
        _linear = nn.Linear(featureChannels, numClasses, device: device);
        _classifier = nn.Sequential(nn.Dropout(dropout), _linear);
        register_module("features", _features);
        register_module("avgpool", _avgpool);
        register_module("classifier", _classifier);
        InitializeWeights();
        Platform.OneDnnProbe.WarnIfAffected(this);
    }

    /// <summary>The feature extractor (<c>features</c>): stem, one <c>Sequential</c> per stage, head.</summary>
    public nn.Module<Tensor, Tensor> FeatureExtractor => _features;

    /// <summary>The classifier's linear layer.</summary>
    public Linear ClassifierLinear => _linear;

    /// <summary>Classifier outputs.</summary>
    public long ClassCount => _linear.weight.shape[0];

    /// <summary>
    /// The feature extractor in execution order, with state_dict paths: each stem or head layer alone, and each
    /// residual block's layers (<c>features.S.B.block.I</c>) with whether the block adds its input, and whether the unit
    /// ends a level of <see cref="Features"/>. The one walk of the module structure that the inference path and the ONNX
    /// export share.
    /// </summary>
    internal IEnumerable<FeatureUnit> FeatureUnits()
    {
        var level = 0;
        foreach (var (name, child) in _features.named_children())
        {
            var endsLevel = _featureLevels.Contains(level++);
            if (child is Blocks.ConvNormActivation layer)
            {
                yield return new FeatureUnit($"features.{name}", new[] { ($"features.{name}", (nn.Module)layer) }, Residual: false, endsLevel);
                continue;
            }
            var blocks = child.named_children().ToList();
            foreach (var (index, module) in blocks)
            {
                var block = (Blocks.ResidualBlock)module;
                var path = $"features.{name}.{index}";
                yield return new FeatureUnit(path, block.Layers.Select((l, i) => ($"{path}.block.{i}", l)).ToList(), block.UsesResidual,
                    endsLevel && index == blocks[^1].name);
            }
        }
    }

    /// <summary>Image channels the stem takes (3 unless the model was built or adapted for another count).</summary>
    public long InputChannels => _features.children().OfType<Blocks.ConvNormActivation>().First().ConvWeight.shape[1];

    /// <summary>
    /// Keep BatchNorm layers in eval mode (running statistics frozen) even while the model trains, as
    /// fine-tuning with small batches wants. Takes effect at the next <see cref="train"/> call.
    /// </summary>
    public bool FreezeBatchNorm { get; set; }

    /// <summary>The final feature map before pooling, [N, featureChannels, H/32, W/32] (timm's <c>forward_features</c>).</summary>
    public Tensor ForwardFeatures(Tensor input) => _features.call(input);

    /// <summary>Pooling and the classifier on a <see cref="ForwardFeatures"/> map.</summary>
    public Tensor ForwardHead(Tensor features)
    {
        using var scope = NewDisposeScope();
        return _classifier.call(_avgpool.call(features).flatten(1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return ForwardHead(ForwardFeatures(input)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The last feature map of each resolution level (strides 2, 4, 8, 16, 32: the generated
    /// <c>FeatureStrides</c>, with <c>FeatureChannels</c>), as detection and segmentation backbones need
    /// (timm's <c>features_only</c>). The caller owns the returned tensors.
    /// </summary>
    public IReadOnlyList<Tensor> Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        var maps = new List<Tensor>();
        var x = input;
        var index = 0;
        foreach (var (_, module) in _features.named_children())
        {
            if (index > _featureLevels[^1])
            {
                break;
            }
            x = ((nn.Module<Tensor, Tensor>)module).call(x);
            if (_featureLevels.Contains(index))
            {
                maps.Add(x);
            }
            index++;
        }
        foreach (var map in maps)
        {
            map.MoveToOuterDisposeScope();
        }
        return maps;
    }

    /// <summary>Replaces the classifier with a freshly initialised one of <paramref name="numClasses"/> outputs.</summary>
    public void ResetClassifier(long numClasses)
    {
        if (numClasses < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a classifier needs at least one class");
        }
        using var noGrad = no_grad();
        var device = _linear.weight.device;
        var range = 1.0 / Math.Sqrt(numClasses);
        _linear.weight = new Parameter(empty(numClasses, _linear.weight.shape[1], device: device).uniform_(-range, range));
        _linear.bias = new Parameter(zeros(numClasses, device: device));
    }

    /// <summary>Stops (or restarts) gradients for everything but the classifier, to train only the classifier.</summary>
    public void FreezeBackbone(bool frozen = true)
    {
        foreach (var (name, parameter) in named_parameters())
        {
            if (!name.StartsWith("classifier.", StringComparison.Ordinal))
            {
                parameter.requires_grad = !frozen;
            }
        }
    }

    /// <inheritdoc />
    public override void train(bool on = true)
    {
        base.train(on);
        if (on && FreezeBatchNorm)
        {
            foreach (var norm in modules().OfType<BatchNorm2d>())
            {
                norm.eval();
            }
        }
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

/// <summary>A step of the feature extractor (see <see cref="EfficientNetModule.FeatureUnits"/>).</summary>
internal sealed record FeatureUnit(string Path, IReadOnlyList<(string Path, nn.Module Layer)> Layers, bool Residual, bool EndsLevel);
