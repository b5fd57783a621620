using System.Text;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Grading.Sandbox;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>Without the full sandbox the grader refuses, unless told the machine is trusted; then every report says so.</summary>
public sealed class SandboxRequiredTests
{
    /// <summary>What this machine has, with bubblewrap hidden (as on a fresh machine before `apt-get install bubblewrap`).</summary>
    private static SandboxCapabilities WithoutBubblewrap => SandboxCapabilities.Detect() with { BubblewrapPath = null, Bubblewrap = BubblewrapMode.None };

    private static GradeRequest Reference()
    {
        var kata = Repository.Kata("deadlock-transfer");
        return new GradeRequest(kata, File.ReadAllBytes(Path.Combine(kata.Directory, "reference.cs")), "reference.cs") { Mode = GradeMode.Stress, MeasurePerformance = false };
    }

    [Fact]
    public void Capabilities_say_what_is_missing_and_how_to_install_it()
    {
        var caps = WithoutBubblewrap;
        Assert.False(caps.IsFullSandbox);
        Assert.Equal(["bubblewrap is not installed (apt-get install bubblewrap)"], caps.Missing);
        Assert.DoesNotContain('\n', caps.RefusalMessage);
        Assert.Contains("apt-get install bubblewrap", caps.RefusalMessage);
        Assert.Contains("--unsafe-sandbox", caps.RefusalMessage);
        Assert.True(SandboxCapabilities.Detect().IsFullSandbox, "this machine has bubblewrap: " + SandboxCapabilities.Detect());
        Assert.Empty(SandboxCapabilities.Detect().Missing);
    }

    [Fact]
    public async Task Without_bubblewrap_the_grader_refuses_before_running_anything()
    {
        var grader = new Grader(new GraderOptions { Sandbox = WithoutBubblewrap });
        var refusal = Assert.Throws<SandboxUnavailableException>(grader.EnsureSandbox);
        Assert.Contains("apt-get install bubblewrap", refusal.Message);
        var e = await Assert.ThrowsAsync<SandboxUnavailableException>(() => grader.GradeAsync(Reference()));
        Assert.Equal(refusal.Message, e.Message);
    }

    [Fact]
    public async Task With_the_opt_out_it_runs_and_every_report_says_unsafe_sandbox()
    {
        var grader = new Grader(new GraderOptions { Sandbox = WithoutBubblewrap, UnsafeSandbox = true });
        grader.EnsureSandbox();
        var report = await grader.GradeAsync(Reference());
        Assert.True(report.Verdict == Verdicts.Passed, string.Join("; ", report.Findings.Select(f => $"[{f.Kind}] {f.Test}: {f.Message}")) + " | " + report.Run?.Output);
        Assert.StartsWith("unsafe sandbox: bubblewrap is not installed", report.Run!.IsolationLayers[0]);
        Assert.DoesNotContain(report.Run.IsolationLayers, l => l.StartsWith("bubblewrap:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_process_layer_refuses_too_when_a_run_would_lose_bubblewrap()
    {
        var command = SandboxCommand.Create("/bin/true");
        var limits = SandboxLimits.Default with { RequireFullIsolation = true };
        await Assert.ThrowsAsync<SandboxUnavailableException>(() => SandboxedProcess.RunAsync(command, limits, WithoutBubblewrap));
        var ran = await SandboxedProcess.RunAsync(command, limits, SandboxCapabilities.Detect());
        Assert.Equal(0, ran.ExitCode);
    }
}
