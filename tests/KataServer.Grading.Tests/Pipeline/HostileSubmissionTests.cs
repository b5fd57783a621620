using System.Text.Json;
using KataServer.Grading.Reports;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// Every hostile file of the corpus, graded for real (inside the sandbox when the policy lets it run):
/// none passes, none leaves its marker on the host, the grader's environment never leaks into the report,
/// and the grader goes on grading.
/// </summary>
public sealed class HostileSubmissionTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    private const string Canary = "KATA_CANARY";

    public static TheoryData<CorpusEntry> Attacks()
    {
        var data = new TheoryData<CorpusEntry>();
        foreach (var entry in Repository.CorpusEntries().Where(e => e.File.StartsWith("adversarial/", StringComparison.Ordinal))) data.Add(entry);
        return data;
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task AttackFailsWithoutSideEffects(CorpusEntry entry)
    {
        var canaryValue = "canary-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(Canary, canaryValue);
        if (entry.Marker is not null && entry.MarkerExpect != "present") File.Delete(entry.Marker);
        var source = await Repository.ReadCorpusFileAsync(entry.File);

        var report = await fixture.GradeAsync(Repository.Kata(entry.Kata), source, CorpusModes.Default, Path.GetFileName(entry.File));

        // Two attacks (a [ModuleInitializer] spoofing stdout, a thread bomb that also writes a file) use APIs
        // of the default deny list, so the grader refuses them before they run: policy is the stricter answer.
        CorpusModes.AssertExpected(entry with { Also = [.. entry.Also ?? [], "policy"] }, report);
        if (entry.Marker is not null) Assert.False(File.Exists(entry.Marker), $"{entry.File} left {entry.Marker} on the host");
        var everything = JsonSerializer.Serialize(report);
        Assert.DoesNotContain(canaryValue, everything);
        Assert.DoesNotContain("root:x:0:0", everything);

        // The grader survives: the next submission is graded normally.
        var next = await fixture.GradeAsync(Repository.Kata("deadlock-transfer"),
            await File.ReadAllTextAsync(Path.Combine(Repository.Kata("deadlock-transfer").Directory, "reference.cs")), CorpusModes.Default);
        Assert.Equal(Verdicts.Passed, next.Verdict);
    }
}
