namespace KataServer.Cli.Tests;

/// <summary>
/// `kata validate` for every kata of the repository: the starter fails, the reference passes repeatedly, every
/// mutant fails with its named finding. The grading-core katas repeat the reference 20 times here; the others 3
/// times (20 in <see cref="ExhaustiveValidateTests"/>, with the slow tests), to keep CI within its time.
/// </summary>
public sealed class ValidateTests
{
    private static readonly string[] CoreKatas = ["hit-counter", "deadlock-transfer", "bounded-buffer"];

    public static TheoryData<string> Katas()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(Path.Combine(KataProcess.RepositoryRoot, "katas")).Order())
            data.Add(Path.GetFileName(folder));
        return data;
    }

    [Theory]
    [MemberData(nameof(Katas))]
    public async Task KataIsValid(string kata)
    {
        var repeats = CoreKatas.Contains(kata) ? 20 : 3;

        var result = await KataProcess.RunAsync("validate", kata, "--repeat", repeats.ToString());

        Assert.True(result.ExitCode == 0, $"kata validate {kata} failed:\n{result.Stdout}\n{result.Stderr}");
        Assert.Contains($"ok   {kata}", result.Stdout);
        Assert.Contains($"passed {repeats}/{repeats} times in a row", result.Stdout);
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
