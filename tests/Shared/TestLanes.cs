namespace EffNetGen.Tests.Shared;

/// <summary>
/// The test lanes. The fast lane, <c>dotnet test EffNetGen.sln --filter "Category!=Integration"</c>, leaves out what
/// builds projects, packs packages, trains, or runs every model at full size; CI runs everything.
/// </summary>
public static class TestLanes
{
    /// <summary>The trait name.</summary>
    public const string Category = "Category";

    /// <summary>Slow tests, left out of the fast lane.</summary>
    public const string Integration = "Integration";
}
