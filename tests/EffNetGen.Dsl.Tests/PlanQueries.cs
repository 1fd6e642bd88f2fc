using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.Dsl.Tests;

/// <summary>Short ways for the tests to read a resolved network's blocks from its plan.</summary>
internal static class PlanQueries
{
    /// <summary>Every block, in order.</summary>
    public static List<PlanUnit> AllBlocks(this ResolvedNetwork n) => n.Plan.Units.Where(u => u.IsBlock).ToList();

    /// <summary>The blocks of the stage at <paramref name="index"/> (0-based, as <see cref="ResolvedNetwork.Stages"/>).</summary>
    public static List<PlanUnit> BlocksOf(this ResolvedNetwork n, int index) => n.Blocks(n.Stages[index]).ToList();

    /// <summary>The SE width, 0 without SE.</summary>
    public static int SqueezeChannels(this PlanUnit u) => u.Squeeze?.SqueezeChannels ?? 0;
}
