using System;
using System.IO;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Generator.Tests;

/// <summary>
/// A real <c>dotnet build</c> of a project that references the generator the in-repo way
/// (ProjectReference as Analyzer): the generator and its DSL/Sprache dependencies load, and a
/// malformed spec fails the build with an EFF error at the spec's line and column.
/// </summary>
public class BuildTests
{
    [Fact]
    public void A_malformed_spec_fails_the_build_with_its_file_line_and_column()
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
            File.WriteAllText(Path.Combine(directory.FullName, "bad.effnet"), SampleSpecs.BrokenStride);

            var (exitCode, output) = ProcessRunner.Run("dotnet", $"build -nologo -p:BuildProjectReferences=false -c {Repository.Configuration}", directory.FullName);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("bad.effnet" + SampleSpecs.BrokenStrideDiagnostic, output);
            Assert.DoesNotContain("CS8785", output); // the generator loaded and did not throw
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
