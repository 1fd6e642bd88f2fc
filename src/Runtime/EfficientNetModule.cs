using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>
/// What every generated model is: the modules of its class's <see cref="NetworkPlan"/> — <c>features</c>, <c>avgpool</c>
/// and <c>classifier</c> (dropout, linear), torchvision's module and state_dict names — with torchvision's weight
/// initialisation, forward, multi-scale features and transfer-learning helpers.
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
    private readonly NetworkPlan _plan;

    /// <summary>
    /// Builds the modules <paramref name="plan"/> describes — <c>features</c> (stem, one <c>Sequential</c> of blocks per
    /// stage, head), <c>avgpool</c> and <c>classifier</c> (dropout, linear) — with <paramref name="options"/> applied.
    /// </summary>
    protected EfficientNetModule(NetworkPlan plan, ModelOptions options)
        : base(plan.Name)
    {
        var classes = options.NumClasses ?? plan.Classes;
        if (classes < 1 || classes > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), classes, "a classifier needs at least one class (and fewer than 2^31)");
        }
        if (options.InChannels < 1 || options.InChannels > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.InChannels, "an image has at least one channel");
        }
        Platform.NnpackSwitch.TurnOff(); // before the model's first convolution: no "Could not initialize NNPACK" lines
        _plan = plan.WithInputChannels((int)options.InChannels).WithClasses((int)classes);
        _features = CreateFeatures(_plan, options.StochasticDepth ?? plan.StochasticDepth, options.Device);
        _linear = nn.Linear(_plan.ClassifierInput, classes, device: options.Device);
        _classifier = CreateClassifier(_plan, nn.Dropout(options.Dropout ?? plan.Dropout), _linear, options.Device);
        register_module("features", _features);
        register_module("avgpool", _avgpool);
        register_module("classifier", _classifier);
        InitializeWeights();
        Platform.OneDnnProbe.WarnIfAffected(this);
    }

    /// <summary>
    /// What this model is, layer by layer: its class's plan with the input channels it was built for and its current
    /// classifier. The inference path, the ONNX export and timm's names read it.
    /// </summary>
    public NetworkPlan Plan => _plan.WithClasses((int)ClassCount);

    /// <summary>The maps <see cref="Features"/> returns: the <c>features</c> child, stride and channels of each.</summary>
    public IReadOnlyList<FeatureLevel> FeatureLevels => _plan.FeatureLevels;

    /// <summary>The feature extractor (<c>features</c>): stem, one <c>Sequential</c> per stage, head.</summary>
    public nn.Module<Tensor, Tensor> FeatureExtractor => _features;

    /// <summary>The classifier's output layer.</summary>
    public Linear ClassifierLinear => _linear;

    /// <summary>Classifier outputs.</summary>
    public long ClassCount => _linear.weight.shape[0];

    /// <summary>Image channels the stem takes (3 unless the model was built for another count).</summary>
    public long InputChannels => _plan.InputChannels;

    /// <summary>
    /// Dropout and the output layer (torchvision's EfficientNet: <c>classifier.1</c>), or, after a hidden layer, linear,
    /// [BatchNorm,] activation, dropout, output layer (torchvision's MobileNetV3: <c>classifier.0</c> … <c>classifier.3</c>).
    /// </summary>
    private static nn.Module<Tensor, Tensor> CreateClassifier(NetworkPlan plan, nn.Module<Tensor, Tensor> dropout, Linear output, Device? device) =>
        plan.Hidden is { } hidden
            ? nn.Sequential(new[]
                {
                    nn.Linear(plan.FeatureChannels, hidden.Width, hasBias: !hidden.Norm, device: device),
                    hidden.Norm ? nn.BatchNorm1d(hidden.Width, eps: plan.Norm.Eps, momentum: plan.Norm.Momentum, device: device) : null,
                    Activations.Create(hidden.Activation) ?? nn.Identity(),
                    dropout,
                    output,
                }.OfType<nn.Module<Tensor, Tensor>>().ToList())
            : nn.Sequential(dropout, output);

    /// <summary>
    /// The modules of the plan's units as their paths nest them: <c>features.{n}</c> is a unit of its own, or a
    /// <c>Sequential</c> of the units <c>features.{n}.{i}</c> (a stage's blocks); a unit is its single layer when that
    /// layer has the unit's path (stem, head, a flat layout's bare convolution), else a block.
    /// </summary>
    private static nn.Module<Tensor, Tensor> CreateFeatures(NetworkPlan plan, double stochasticDepth, Device? device)
    {
        nn.Module<Tensor, Tensor> Unit(PlanUnit u) => u.IsBare
            ? Blocks.LayerModules.Create(u.Layers[0], plan.Norm, device)
            : new Blocks.ResidualBlock(u, plan.Norm, u.DropPath!.Value.Rate(stochasticDepth), device);
        var children = plan.FeatureChildren().Select(child => child.IsStage ? nn.Sequential(child.Units.Select(Unit).ToList()) : Unit(child.Units.Single()));
        return nn.Sequential(children.ToList());
    }

    /// <summary>
    /// Keep BatchNorm layers in eval mode (running statistics frozen) even while the model trains, as
    /// fine-tuning with small batches wants. Takes effect at the next <see cref="train"/> call.
    /// </summary>
    public bool FreezeBatchNorm { get; set; }

    /// <summary>
    /// Whether the module was disposed. TorchSharp then empties its parameter lists, so anything that reads them
    /// (loading weights, exporting) calls <see cref="ThrowIfDisposed"/> first instead of reporting an empty model.
    /// </summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Throws <see cref="ObjectDisposedException"/> if <paramref name="module"/> is a disposed EfficientNet.</summary>
    public static void ThrowIfDisposed(nn.Module module) =>
        ObjectDisposedException.ThrowIf(module is EfficientNetModule { IsDisposed: true }, module);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

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
    /// The last feature map of each resolution level (strides 2, 4, 8, 16, 32: <see cref="FeatureLevels"/>), as detection and segmentation backbones need
    /// (timm's <c>features_only</c>). The caller owns the returned tensors.
    /// </summary>
    public IReadOnlyList<Tensor> Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        var maps = new List<Tensor>();
        var x = input;
        var index = 0;
        var levels = _plan.FeatureLevels.Select(l => l.Index).ToHashSet();
        foreach (var (_, module) in _features.named_children())
        {
            if (index > levels.Max())
            {
                break;
            }
            x = ((nn.Module<Tensor, Tensor>)module).call(x);
            if (levels.Contains(index))
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

    /// <summary>The hidden classifier layer before the output layer, if the plan has one.</summary>
    public Linear? ClassifierHidden => _plan.Hidden is null ? null : (Linear)_classifier.named_children().First().module;

    /// <summary>The hidden classifier layer's BatchNorm, if it has one.</summary>
    public BatchNorm1d? ClassifierHiddenNorm => _plan.Hidden is { Norm: true } ? (BatchNorm1d)_classifier.named_children().ElementAt(1).module : null;

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
            foreach (var norm in modules().OfType<BatchNorm>())
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
                case BatchNorm norm:
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
