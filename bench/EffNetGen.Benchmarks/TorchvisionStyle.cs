using System.Collections.Generic;
using static TorchSharp.torch;

namespace EffNetGen.Benchmarks;

/// <summary>
/// The baseline: EfficientNet written by hand the way torchvision's efficientnet.py (and TorchSharp's TorchVision
/// port) writes it — a stage configuration table and one TorchSharp module per layer (Conv2d, BatchNorm2d, SiLU in
/// Sequentials), called module by module. No EffNetGen code.
/// </summary>
internal sealed class TorchvisionStyle : nn.Module<Tensor, Tensor>
{
    // torchvision's bneck_conf rows: expand, kernel, stride, in, out, layers — for B0; B3 applies its multipliers.
    private static readonly (int E, int K, int S, int In, int Out, int N)[] B0 =
        { (1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1) };

    private readonly nn.Module<Tensor, Tensor> _features;
    private readonly nn.Module<Tensor, Tensor> _pool = nn.AdaptiveAvgPool2d(1);
    private readonly nn.Module<Tensor, Tensor> _classifier;

    public TorchvisionStyle(double width, double depth) : base("TorchvisionStyle")
    {
        int Ch(double c) => MakeDivisible(c * width);
        var layers = new List<nn.Module<Tensor, Tensor>> { ConvBnAct(3, Ch(32), 3, 2, 1, true) };
        foreach (var (e, k, s, cin, cout, n) in B0)
        {
            var stage = new List<nn.Module<Tensor, Tensor>>();
            var repeats = (int)System.Math.Ceiling(n * depth);
            for (var i = 0; i < repeats; i++)
            {
                var input = i == 0 ? Ch(cin) : Ch(cout);
                stage.Add(new Block(input, Ch(cout), e, k, i == 0 ? s : 1));
            }
            layers.Add(nn.Sequential(stage));
        }
        layers.Add(ConvBnAct(Ch(320), 4 * Ch(320), 1, 1, 1, true));
        _features = nn.Sequential(layers);
        _classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(4 * Ch(320), 1000));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => _classifier.call(_pool.call(_features.call(x)).flatten(1));

    private static int MakeDivisible(double v)
    {
        var r = System.Math.Max(8, (int)(v + 4) / 8 * 8);
        return r < 0.9 * v ? r + 8 : r;
    }

    private static nn.Module<Tensor, Tensor> ConvBnAct(long cin, long cout, long k, long s, long groups, bool act) =>
        act
            ? nn.Sequential(nn.Conv2d(cin, cout, k, stride: s, padding: (k - 1) / 2, groups: groups, bias: false), nn.BatchNorm2d(cout), nn.SiLU())
            : nn.Sequential(nn.Conv2d(cin, cout, k, stride: s, padding: (k - 1) / 2, groups: groups, bias: false), nn.BatchNorm2d(cout));

    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _block;
        private readonly bool _residual;

        public Block(int cin, int cout, int e, int k, int s) : base("MBConv")
        {
            var expanded = MakeDivisible(cin * (double)e);
            var layers = new List<nn.Module<Tensor, Tensor>>();
            if (expanded != cin)
            {
                layers.Add(ConvBnAct(cin, expanded, 1, 1, 1, true));
            }
            layers.Add(ConvBnAct(expanded, expanded, k, s, expanded, true));
            layers.Add(new SE(expanded, System.Math.Max(1, cin / 4)));
            layers.Add(ConvBnAct(expanded, cout, 1, 1, 1, false));
            _block = nn.Sequential(layers);
            _residual = s == 1 && cin == cout;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => _residual ? _block.call(x) + x : _block.call(x);
    }

    private sealed class SE : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _pool = nn.AdaptiveAvgPool2d(1);
        private readonly nn.Module<Tensor, Tensor> _fc1;
        private readonly nn.Module<Tensor, Tensor> _fc2;
        private readonly nn.Module<Tensor, Tensor> _act = nn.SiLU();
        private readonly nn.Module<Tensor, Tensor> _gate = nn.Sigmoid();

        public SE(int channels, int squeeze) : base("SE")
        {
            (_fc1, _fc2) = (nn.Conv2d(channels, squeeze, 1), nn.Conv2d(squeeze, channels, 1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x * _gate.call(_fc2.call(_act.call(_fc1.call(_pool.call(x)))));
    }
}
