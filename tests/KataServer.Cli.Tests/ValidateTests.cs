namespace KataServer.Cli.Tests;

/// <summary>
/// `kata validate` as a command: what it prints and its exit code. That every kata of the repository validates is
/// checked with one warm grader in KataServer.Grading.Tests (Validation/KataValidationTests); exhaustively, through
/// this command, in <see cref="ExhaustiveValidateTests"/> with the slow tests.
/// </summary>
public sealed class ValidateTests
{
    public static TheoryData<string> Katas()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(Path.Combine(KataProcess.RepositoryRoot, "katas")).Order())
            data.Add(Path.GetFileName(folder));
        return data;
    }

    [Fact]
    public async Task AValidKataPrintsEveryCheckAndExitsZero()
    {
        var result = await KataProcess.RunAsync("validate", "hit-counter", "--repeat", "2");

        Assert.True(result.ExitCode == 0, $"kata validate hit-counter failed:\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains("ok   hit-counter", result.Stdout);
        Assert.Contains("ok   starter: fails as it should", result.Stdout);
        Assert.Contains("passed 2/2 times in a row", result.Stdout);
        foreach (var mutant in Directory.GetFiles(Path.Combine(KataProcess.RepositoryRoot, "katas", "hit-counter", "mutants"), "*.cs"))
            Assert.Contains($"ok   mutant {Path.GetFileNameWithoutExtension(mutant)}: fails with", result.Stdout);
        Assert.Contains("1 of 1 katas valid", result.Stdout);
        Assert.Contains("hit-counter: reference 2/2", result.Stderr); // progress goes to stderr
    }

    [Fact]
    public async Task AMutantThatPassesMakesValidationFail()
    {
        // A copy of a kata whose "mutant" is really the reference: validate must refuse it.
        var copy = Directory.CreateTempSubdirectory("kata-validate-").FullName;
        try
        {
            var source = Path.Combine(KataProcess.RepositoryRoot, "katas", "hit-counter");
            var target = Path.Combine(copy, "hit-counter");
            CopyDirectory(source, target);
            var firstMutant = Directory.GetFiles(Path.Combine(target, "mutants")).Order().First();
            File.Copy(Path.Combine(target, "reference.cs"), firstMutant, overwrite: true);

            var result = await KataProcess.RunAsync("validate", "hit-counter", "--katas", copy, "--repeat", "1");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"FAIL mutant {Path.GetFileNameWithoutExtension(firstMutant)}: passes", result.Stdout);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(source)) CopyDirectory(dir, Path.Combine(target, Path.GetFileName(dir)));
    }
}

[Trait("Category", "Slow")]
public sealed class ExhaustiveValidateTests
{
    [Theory]
    [MemberData(nameof(ValidateTests.Katas), MemberType = typeof(ValidateTests))]
    public async Task KataIsValidExhaustively(string kata)
    {
        var result = await KataProcess.RunAsync("validate", kata, "--exhaustive");

        Assert.True(result.ExitCode == 0, $"kata validate {kata} --exhaustive failed:\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains("passed 50/50 times in a row", result.Stdout);
    }
}
