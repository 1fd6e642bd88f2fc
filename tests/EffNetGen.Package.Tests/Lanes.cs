using EffNetGen.Tests.Shared;

// Every package test packs the packages and builds projects from them: all of them are the integration lane.
[assembly: AssemblyTrait(TestLanes.Category, TestLanes.Integration)]
