using EffNetGen.Runtime.Inference;
using EffNetGen.Runtime.Training;
using EffNetGen.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// Forward passes and training steps leave no tensor behind: TorchSharp tensors are native memory, and a forward path
/// that forgets a dispose scope leaks one handle (and its storage) per op. Counted per thread, after a warm-up;
/// process RSS over long loops is measured by the benchmark command's soak mode (docs/reliability.md).
/// </summary>
[Trait(TestLanes.Category, TestLanes.Integration)]
public class LeakTests
{
    private static long Live => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void Eval_and_inference_forward_passes_leave_no_tensor_alive()
    {
        manual_seed(1);
        using var model = new EfficientNetB0();
        model.eval();
        using var folded = model.ForInference();
        using var input = randn(1, 3, 64, 64);
        void Step()
        {
            using (no_grad())
            {
                model.call(input).Dispose();
            }
            folded.Forward(input).Dispose();
        }
        Step();
        var before = Live;

        for (var i = 0; i < 200; i++)
        {
            Step();
        }

        Assert.Equal(before, Live);
    }

    [Fact]
    public void Training_steps_leave_no_tensor_alive()
    {
        manual_seed(2);
        using var model = new EfficientNetLite0(new ModelOptions { NumClasses = 4 });
        // The recipe's whole step: schedule, label smoothing, RMSProp (TF), weight EMA.
        using var trainer = new Trainer(model, EfficientNetB0.Training, new TrainerOptions(BatchSize: 2, StepsPerEpoch: 10));
        using var input = randn(2, 3, 32, 32);
        using var target = tensor(new long[] { 1, 3 });
        trainer.TrainStep(input, target); // creates the optimizer state
        var before = Live;

        for (var i = 0; i < 30; i++)
        {
            trainer.TrainStep(input, target);
        }

        Assert.Equal(before, Live);
    }
}
