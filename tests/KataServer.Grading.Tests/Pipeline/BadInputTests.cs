using System.Text;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// Each kind of bad submission ends with the right verdict and a message a learner understands. The attacks
/// on the process (loops, recursion, memory, threads) are graded under stress, where they meet the sandbox's
/// limits; under the explorer they end earlier, at its step bound.
/// </summary>
public sealed class BadInputTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    private static KataServer.Katas.Kata HitCounter => Repository.Kata("hit-counter");

    [Fact]
    public async Task AnUnknownStrategyIsTheCallersErrorNotTheSubmissions()
    {
        var request = new GradeRequest(HitCounter, Encoding.UTF8.GetBytes(HitCounter.Reference.Text), "Solution.cs") { Mode = GradeMode.Explore, Strategy = "xyz" };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Grader.GradeAsync(request));
        Assert.Contains("unknown strategy 'xyz' (choose from random, pct, dfs, window, portfolio)", e.Message);
    }

    [Fact]
    public async Task AForbiddenApiIsRefusedWithWhyAndWhatToUseInstead()
    {
        var report = await fixture.GradeAsync(HitCounter, """
            using System.Runtime.InteropServices;
            using System.Threading;
            public sealed class HitCounter
            {
                [StructLayout(LayoutKind.Explicit, Size = 128)]
                private struct Cell { [FieldOffset(64)] public long Value; [FieldOffset(0)] public object? Owner; }
                private readonly Cell[] cells = new Cell[1];
                public void Increment() => Interlocked.Increment(ref cells[0].Value);
                public long Total => Interlocked.Read(ref cells[0].Value);
            }
            """);

        Assert.Equal(Verdicts.PolicyViolation, report.Verdict);
        // A reference in an explicitly laid out type could be overlaid with other data (padding of unmanaged fields is allowed).
        Assert.True(report.Findings.Count >= 2, $"{report.Findings.Count} findings");
        Assert.All(report.Findings, f => Assert.Contains("is not allowed (explicit field layout)", f.Message));
        Assert.Contains("use [StructLayout(LayoutKind.Sequential, Size = 128)] or padding fields", report.Findings[0].Message);
        Assert.DoesNotContain("StructLayout(LayoutKind.Sequential", report.Findings[1].Message); // said once
    }

    [Fact]
    public async Task EmptyFileIsRejected()
    {
        var report = await fixture.GradeBytesAsync(HitCounter, []);

        AssertRejected(report, "empty");
    }

    [Fact]
    public async Task FiveMegabyteFileIsRejectedWithItsSize()
    {
        var big = Encoding.UTF8.GetBytes("// " + new string('x', 5 * 1024 * 1024) + "\npublic sealed class HitCounter { }");

        var report = await fixture.GradeBytesAsync(HitCounter, big);

        AssertRejected(report, "KiB");
    }

    [Fact]
    public async Task BinaryGarbageIsRejected()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var report = await fixture.GradeBytesAsync(HitCounter, garbage);

        Assert.Equal(Verdicts.CompileError, report.Verdict);
        Assert.True(report.InputRejected);
        // Readers follow these without null checks, whatever stopped the grade.
        Assert.Equal(0, report.ScoreBreakdown!.Correctness);
        Assert.False(report.Performance!.Measured);
        Assert.Empty(report.Performance.Benchmarks);
        Assert.NotNull(report.Run);
    }

    [Fact]
    public async Task InvalidUtf8IsRejectedWithItsLine()
    {
        var bytes = Encoding.UTF8.GetBytes("public sealed class HitCounter\n{\n  // caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\n}\n")).ToArray();

        var report = await fixture.GradeBytesAsync(HitCounter, bytes);

        AssertRejected(report, "line 3");
    }

    [Fact]
    public async Task CompileErrorGivesLineAndColumn()
    {
        var report = await fixture.GradeAsync(HitCounter, "public sealed class HitCounter\n{\n    private long count;\n    public void Increment() { count++ }\n}\n");

        Assert.Equal(Verdicts.CompileError, report.Verdict);
        Assert.False(report.InputRejected);
        var error = Assert.Single(report.Diagnostics, d => d.Severity == "error");
        Assert.Equal(4, error.Line);
        Assert.Contains(report.Findings, f => f.Kind == "compile" && f.Message.StartsWith("line 4, column", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ContractMismatchNamesTheMissingMember()
    {
        var report = await fixture.GradeAsync(HitCounter, "public sealed class HitCounter\n{\n    public void Increment() { }\n}\n");

        Assert.Equal(Verdicts.CompileError, report.Verdict);
        Assert.Contains(report.Findings, f => f.Kind == "compile" && f.Message.Contains("Total", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Findings, f => f.Message.Contains("HitCounterTests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InfiniteLoopTimesOut()
    {
        var report = await fixture.GradeAsync(HitCounter, Counter("while (Volatile.Read(ref _spin)) { }"), GradeMode.Stress);

        Assert.Equal(Verdicts.Timeout, report.Verdict);
        Assert.Contains(report.Findings, f => f.Kind == "timeout");
    }

    [Fact]
    public async Task StackOverflowIsACrashNotAGraderFailure()
    {
        var report = await fixture.GradeAsync(HitCounter, Counter("Recurse(1);") + "\ninternal static class Deep { }", GradeMode.Stress);

        Assert.Equal(Verdicts.Crashed, report.Verdict);
        Assert.Contains(report.Findings, f => f.Kind == "crash" && f.Message.Contains("stack", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MemoryBombIsStoppedByTheLimit()
    {
        var report = await fixture.GradeAsync(HitCounter,
            Counter("var hog = new List<byte[]>(); while (true) { var chunk = new byte[64 << 20]; for (var i = 0; i < chunk.Length; i += 4096) chunk[i] = 1; hog.Add(chunk); }"),
            GradeMode.Stress);

        Assert.NotEqual(Verdicts.Passed, report.Verdict);
        Assert.Contains(report.Findings, f => f.Message.Contains("memory", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ThreadBombIsContained()
    {
        var report = await fixture.GradeAsync(HitCounter,
            Counter("for (var i = 0; i < 20000; i++) new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = false }.Start();"),
            GradeMode.Stress);

        Assert.NotEqual(Verdicts.Passed, report.Verdict);
        Assert.NotEmpty(report.Findings);
    }

    [Fact]
    public async Task FakeVerdictOnStdoutIsIgnored()
    {
        var report = await fixture.GradeAsync(HitCounter,
            Counter("Console.WriteLine(\"{\\\"type\\\":\\\"done\\\"}\"); Console.WriteLine(\"{\\\"verdict\\\":\\\"passed\\\",\\\"score\\\":100}\");", brokenTotal: true),
            GradeMode.Stress);

        Assert.Equal(Verdicts.Failed, report.Verdict);
        Assert.Contains("\"verdict\":\"passed\"", report.Run?.Output ?? "");
    }

    /// <summary>A correct counter whose Increment first runs <paramref name="attack"/>.</summary>
    private static string Counter(string attack, bool brokenTotal = false) => $$"""
        using System.Threading;
        using System.Collections.Generic;
        public sealed class HitCounter
        {
            private static bool _spin = true;
            private long _count;
            public void Increment() { {{attack}} Interlocked.Increment(ref _count); }
            public long Total => {{(brokenTotal ? "Interlocked.Read(ref _count) - 1" : "Interlocked.Read(ref _count)")}};
            private static int Recurse(int n) => Recurse(n + 1) + 1;
        }
        """;

    private static void AssertRejected(GradeReport report, string expectedInMessage)
    {
        Assert.Equal(Verdicts.CompileError, report.Verdict);
        Assert.True(report.InputRejected);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("compile", finding.Kind);
        Assert.Contains(expectedInMessage, finding.Message, StringComparison.OrdinalIgnoreCase);
    }
}
