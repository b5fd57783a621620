using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KataServer.Compilation.Policy;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Grading.Runs;
using Xunit.Abstractions;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// Hostile submissions of our own (Pipeline/Hostile): each is the deadlocking `deadlock-transfer` starter plus one attack
/// class, so any pass is a forged pass. They are graded with NO API policy, so that the defences behind it (the signed
/// result channel, the grader's checks of the run's report, the sandbox's mount namespace and tmpfs, the runner's tamper
/// guard) are shown to hold on their own, for code the policy would have refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostileDefenceTests(ITestOutputHelper output)
{
    private static readonly Lazy<Grader> Permissive = new(() => new Grader(new GraderOptions { PolicyOverride = ApiPolicy.Empty }));

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Pipeline", "Hostile");

    private async Task<GradeReport> GradeAsync(string file)
    {
        var source = await File.ReadAllBytesAsync(Path.Combine(Folder, file));
        var report = await Permissive.Value.GradeAsync(new GradeRequest(Repository.Kata("deadlock-transfer"), source, file));
        output.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        Assert.NotEqual(Verdicts.Passed, report.Verdict);
        Assert.NotEqual(Verdicts.CompileError, report.Verdict); // the attack must have run, or this proves nothing
        Assert.NotEqual(Verdicts.PolicyViolation, report.Verdict);
        Assert.Equal(0, report.Score);
        return report;
    }

    private static string Output(GradeReport report) => report.Run?.Output ?? "";

    [Fact]
    public async Task The_explorers_teardown_tells_the_code_nothing()
    {
        // The code looks for the explorer's unwinding of a thread left waiting (its catch, filter or finally running),
        // marks that in process-wide state and then takes the locks in the right order: exploration alone must still
        // meet its deadlock.
        const string file = "recognise-explorer-by-teardown.cs";
        var source = await File.ReadAllBytesAsync(Path.Combine(Folder, file));
        var report = await Permissive.Value.GradeAsync(new GradeRequest(Repository.Kata("deadlock-transfer"), source, file) { Mode = GradeMode.Explore });
        output.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));

        Assert.NotEqual(Verdicts.Passed, report.Verdict);
        Assert.Contains(report.Findings, f => f.Kind == "deadlock");
    }

    [Theory]
    [InlineData("forge-descriptors.cs")]
    [InlineData("forge-after-done.cs")]
    [InlineData("tamper-observer.cs")]
    public async Task A_forged_or_tampered_report_is_an_integrity_finding(string file)
    {
        var report = await GradeAsync(file);
        var integrity = Assert.Single(report.Findings, f => f.Kind == "integrity");
        Assert.StartsWith("the run's report could not be trusted: ", integrity.Message);
        Assert.DoesNotContain(report.Tests, t => t.Outcome == TestOutcomes.Passed && report.Findings.Any(f => f.Kind == "integrity" && f.Test == t.Name));
    }

    [Fact]
    public async Task The_runs_key_is_nowhere_learner_code_can_look()
    {
        var report = await GradeAsync("steal-key.cs");
        var printed = Output(report);
        Assert.Contains("STOLEN stdin=;", printed); // the code ran; standard input was already read to its end
        Assert.DoesNotMatch(new Regex("[0-9A-F]{64}"), printed);
        Assert.DoesNotContain("KATA_", printed);
        Assert.Contains("fd3=pipe:", printed); // the channel is a pipe, not a path anyone could open
    }

    [Fact]
    public async Task Another_jobs_folder_and_the_reference_cannot_be_seen()
    {
        // A decoy "other job", readable by everyone on the host: only the mount namespace keeps it out of sight.
        var canary = "canary-" + Guid.NewGuid().ToString("N");
        var decoy = Path.Combine(JobFolder.Root, "other-job-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(decoy);
        File.SetUnixFileMode(decoy, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(decoy, "secret-tests.cs"), canary);
        File.SetUnixFileMode(Path.Combine(decoy, "secret-tests.cs"), (UnixFileMode)0b110_100_100);
        try
        {
            var report = await GradeAsync("snoop-jobs.cs");
            var printed = Output(report);
            Assert.Contains("SEEN ", printed); // the code ran and listed what it could
            Assert.DoesNotContain(canary, printed);
            Assert.DoesNotContain("other-job-", printed);
            Assert.DoesNotContain("/reference", printed); // no reference assembly in explore or stress runs
            Assert.DoesNotContain("BankTests.cs", printed); // no kata source anywhere
            Assert.DoesNotContain("root:x:0:0", printed);
        }
        finally
        {
            Directory.Delete(decoy, recursive: true);
        }
    }

    [Fact]
    public async Task The_hidden_tests_exist_under_no_path_the_submission_can_name()
    {
        var report = await GradeAsync("read-hidden-tests.cs");
        var printed = Output(report);
        Assert.Matches(new Regex("LOOKED maps=[1-9][0-9]* fds=[1-9][0-9]* read=[1-9]"), printed); // the code ran and read what it found
        Assert.DoesNotContain("FOUND-TESTS", printed);
        // Loaded from memory: the submission and the tests have no file behind them.
        Assert.Contains("ASSEMBLY KataTests location=''", printed);
        Assert.DoesNotMatch(new Regex("ASSEMBLY (?!kata-runner|KataServer)[^\\n]* location='/"), printed);
        Assert.DoesNotContain(JobFolder.Root, printed);
    }

    [Fact]
    public async Task Writes_stay_in_the_sandboxs_small_tmpfs()
    {
        const string marker = "kata-hostile-fill-disk-marker";
        var places = new[] { "/tmp", "/var/tmp", "/dev/shm", "/root", JobFolder.Root };
        var report = await GradeAsync("fill-disk.cs");
        var printed = Output(report);
        Assert.Contains("full /tmp IOException", printed); // the code ran, and /tmp filled up at the tmpfs size
        foreach (var place in places)
        {
            Assert.False(File.Exists(Path.Combine(place, marker)), $"{place}/{marker} was left on the host");
            Assert.False(File.Exists(Path.Combine(place, marker + ".big")), $"{place}/{marker}.big was left on the host");
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(JobFolder.Root, "*" + marker + "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("exhaust-memory.cs")]
    [InlineData("exhaust-threads.cs")]
    [InlineData("exhaust-stack.cs")]
    [InlineData("flood-output.cs")]
    public async Task Exhausting_a_resource_ends_in_a_clear_verdict(string file)
    {
        var report = await GradeAsync(file);
        Assert.Contains(report.Verdict, new[] { Verdicts.Crashed, Verdicts.Failed, Verdicts.Timeout });
        Assert.NotEmpty(report.Findings);
        Assert.All(report.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
        // However much was printed, the report keeps a bounded part of it (64 KiB per stream and run).
        Assert.True(Output(report).Length < 4 * 2 * 64 * 1024, $"{Output(report).Length} characters of output kept");
    }

    [Fact]
    public async Task No_process_of_a_submission_outlives_its_run()
    {
        var report = await GradeAsync("spawn-processes.cs");
        Assert.Contains("SPAWNED /bin/sleep", Output(report)); // the code ran and could start processes inside its sandbox
        await Task.Delay(TimeSpan.FromSeconds(1));
        var survivors = Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d => { try { return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' '); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } })
            .Where(cmdline => cmdline.Contains("4242.5") || cmdline.Contains("4243.5"))
            .ToList();
        Assert.Empty(survivors);
    }

    [Fact]
    public async Task Terminal_escapes_in_the_output_stay_data()
    {
        var report = await GradeAsync("ansi-fake-verdict.cs");
        Assert.Contains("\u001b[2J", Output(report)); // kept as the learner printed it, for the learner to see...
        var json = JsonSerializer.Serialize(report);
        Assert.DoesNotContain("\u001b", json); // ...but never raw in JSON
        Assert.Contains("\\u001B[2J", json);
    }
}
