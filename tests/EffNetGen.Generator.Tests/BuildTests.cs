using System.IO;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Generator.Tests;

/// <summary>
/// A real <c>dotnet build</c> of a project that references the generator the in-repo way
/// (ProjectReference as Analyzer): the generator and its DSL/Sprache dependencies load, and a
/// malformed spec fails the build with an EFF error at the spec's line and column.
/// </summary>
[Trait(TestLanes.Category, TestLanes.Integration)]
public class BuildTests
{
    public static TheoryData<string, string> BrokenSpecs => new()
    {
        { SampleSpecs.BrokenStride, "bad.effnet" + SampleSpecs.BrokenStrideDiagnostic },
        // A contract the architecture does not meet: the message names both counts.
        {
            SampleSpecs.Minimal.Replace("resolution 32 }", "resolution 32  expect { params 5.3M } }"),
            "bad.effnet(5,59): error EFF0008: Variant 'A' has 68,528 parameters; the spec expects 5.3M (5,250,000 to 5,350,000)"
        },
    };

    [Theory]
    [MemberData(nameof(BrokenSpecs))]
    public void A_broken_spec_fails_the_build_with_its_file_line_and_column(string spec, string error)
    {
        var directory = Directory.CreateTempSubdirectory("effnetgen-build-");
        try
        {
            var generator = Repository.PathOf("src", "Generator", "EffNetGen.Generator.csproj");
            File.WriteAllText(Path.Combine(directory.FullName, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
                  <ItemGroup>
                    <AdditionalFiles Include="bad.effnet" />
                    <ProjectReference Include="{generator}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(directory.FullName, "bad.effnet"), spec);

            var (exitCode, output) = ProcessRunner.Run("dotnet", $"build -nologo -p:BuildProjectReferences=false -c {Repository.Configuration}", directory.FullName);

            Assert.NotEqual(0, exitCode);
            Assert.Contains(error, output);
            Assert.DoesNotContain("CS8785", output); // the generator loaded and did not throw
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
