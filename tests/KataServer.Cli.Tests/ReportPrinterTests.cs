using KataServer.Cli.Output;
using KataServer.Grading.Reports;
using KataServer.Testing.Protocol;

namespace KataServer.Cli.Tests;

/// <summary>What a report holds is data: learner-controlled text can never drive the terminal.</summary>
public sealed class ReportPrinterTests
{
    private const string FakeVerdict = "\u001b[2J\u001b[H\u001b[32mdeadlock-transfer: PASSED   score 100/100\u001b[0m\r\u202Eevil\u0007\u009b2J";

    private static GradeReport Hostile(params string[] layers) => new()
    {
        Kata = "deadlock-transfer",
        Verdict = Verdicts.Failed,
        Tests = [new TestReport { Name = "OppositeTransfers", Outcome = TestOutcomes.Failed, Mode = "explore" }],
        Findings = [new FindingData
        {
            Kind = "exception", Test = "OppositeTransfers", Message = "thrown: " + FakeVerdict,
            Trace = [new TraceStepData { Step = 0, Thread = 1, ThreadName = "t\u001b[1A", Action = "lock " + FakeVerdict, Line = 3 }],
        }],
        Run = new RunInfo { Output = FakeVerdict + "\nsecond line", IsolationLayers = layers },
    };

    private static string Print(GradeReport report, bool color = false)
    {
        var text = new StringWriter();
        ReportPrinter.Print(report, text, color);
        return text.ToString();
    }

    [Fact]
    public void Control_characters_from_the_report_are_shown_not_sent()
    {
        var printed = Print(Hostile("bubblewrap: test"));
        foreach (var c in new[] { '\u001b', '\r', '\u0007', '\u009b', '\u202E' })
            Assert.DoesNotContain(c, printed);
        Assert.Contains(@"\e[2J\e[H\e[32mdeadlock-transfer: PASSED   score 100/100\e[0m\r\u202Eevil\x07\x9b2J", printed);
        Assert.StartsWith("deadlock-transfer: FAILED", printed);
        Assert.Contains("  | second line", printed); // line structure is ours and kept
    }

    [Fact]
    public void Plain_text_is_unchanged() =>
        Assert.Equal("tabs\tand lines\nstay, é and 日本 too", TerminalText.Escape("tabs\tand lines\nstay, é and 日本 too"));

    [Fact]
    public void An_unsafe_sandbox_is_said_first_and_in_red_on_a_terminal()
    {
        var report = Hostile("unsafe sandbox: bubblewrap is not installed (apt-get install bubblewrap)", "uid 65534 (setpriv)");
        var plain = Print(report);
        Assert.StartsWith("UNSAFE SANDBOX: unsafe sandbox: bubblewrap is not installed", plain);
        Assert.DoesNotContain('\u001b', plain);
        var colored = Print(report, color: true);
        Assert.StartsWith("\u001b[1;31mUNSAFE SANDBOX: ", colored);
        Assert.Equal(2, colored.Count(c => c == '\u001b')); // our red and our reset, nothing of the learner's
        Assert.DoesNotContain("UNSAFE", Print(Hostile("bubblewrap: test"), color: true));
    }

    [Fact]
    public async Task Grade_with_unsafe_sandbox_runs_and_says_so_first()
    {
        // The real process, its stdout redirected: no colour codes when the output is not a terminal.
        var result = await KataProcess.RunProcessAsync("grade", "hit-counter", KataProcess.CorpusFile("hit-counter", "ok-lock.cs"), "--mode", "stress", "--unsafe-sandbox");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("UNSAFE SANDBOX: unsafe sandbox allowed (--unsafe-sandbox), though the full sandbox was available", result.Stdout);
        Assert.DoesNotContain('\u001b', result.Stdout); // not a terminal: no colour codes
    }
}
