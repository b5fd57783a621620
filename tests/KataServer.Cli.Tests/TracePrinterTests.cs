using KataServer.Cli.Output;
using KataServer.Testing.Protocol;

namespace KataServer.Cli.Tests;

public sealed class TracePrinterTests
{
    private static TraceStepData Step(int step, int thread, string action, int? line = null) =>
        new() { Step = step, Thread = thread, ThreadName = thread == 0 ? "main" : $"thread {thread}", Action = action, Line = line };

    private static string Print(IReadOnlyList<TraceStepData> trace)
    {
        var output = new StringWriter();
        TracePrinter.Print(trace, output);
        return output.ToString();
    }

    [Fact]
    public void TheRaceStaysInSightWhenOneThreadRunsALongTailAfterIt()
    {
        var trace = new List<TraceStepData>
        {
            Step(1, 1, "read Stack.head", 10),
            Step(2, 2, "read Stack.head", 10),
            Step(3, 2, "CAS Stack.head succeeded", 12),
            Step(4, 1, "CAS Stack.head succeeded", 12),
        };
        // The test's checking code drains the structure alone for a long time after the race.
        trace.AddRange(Enumerable.Range(5, 300).Select(i => Step(i, 0, $"pop {i}", 20 + i % 5)));

        var text = Print(trace);

        Assert.Contains("CAS Stack.head succeeded (line 12)", text);
        Assert.Contains("read Stack.head (line 10)", text);
        Assert.Contains("... 296 more steps, lines 20-24", text);
        Assert.Contains("pop 304", text);
        Assert.DoesNotContain("pop 100", text);
        Assert.DoesNotContain("not shown", text);
    }

    [Fact]
    public void StepsAlreadyCutFromALongStretchAreCounted()
    {
        // A livelock: two threads race, then main loops alone up to the step bound; the runner kept the race and the end.
        var trace = new List<TraceStepData> { Step(0, 1, "read Stack.head", 10), Step(1, 2, "CAS Stack.head succeeded", 12) };
        trace.AddRange(Enumerable.Range(2, 10).Select(i => Step(i, 0, $"loop {i}", 30)));
        trace.AddRange(Enumerable.Range(19_900, 100).Select(i => Step(i, 0, $"loop {i}", 31)));

        var text = Print(trace);

        Assert.Contains("CAS Stack.head succeeded (line 12)", text);
        Assert.Contains($"... {19_997 - 4 + 1} more steps, lines 30-31", text);
        Assert.Contains("loop 19999", text);
    }

    [Fact]
    public void ATraceOfManySwitchesShowsItsLastRowsAndCountsTheRest()
    {
        var trace = Enumerable.Range(1, 300).Select(i => Step(i, i % 2, $"step {i}")).ToList();

        var text = Print(trace);

        Assert.Contains($"({300 - TracePrinter.RowsShown} earlier steps not shown; --json has them)", text);
        Assert.Contains("step 300", text);
        Assert.Contains($"step {300 - TracePrinter.RowsShown + 1}", text);
        Assert.DoesNotContain($"step {300 - TracePrinter.RowsShown} ", text);
    }

    private static string Print(IReadOnlyList<TraceStepData> trace, int width)
    {
        var output = new StringWriter();
        TracePrinter.Print(trace, output, width);
        return output.ToString();
    }

    [Fact]
    public void ACutCellKeepsItsLineNumber()
    {
        var trace = new List<TraceStepData>
        {
            Step(1, 1, "blocked: waits for lock B, held by thread 2 since step 12", 23),
            Step(2, 2, "blocked: waits for lock A, held by thread 1 since step 9", 21),
        };

        var text = Print(trace);

        Assert.Contains("… (line 23)", text);
        Assert.Contains("… (line 21)", text);
    }

    [Fact]
    public void TheRowOfSkippedStepsIsAlignedWithTheStepRows()
    {
        var trace = new List<TraceStepData> { Step(1, 1, "read A", 10) };
        trace.AddRange(Enumerable.Range(2, 20).Select(i => Step(i, 2, $"loop {i}", 30)));

        var lines = Print(trace).Split('\n');

        var stepRow = lines.First(l => l.Contains("read A", StringComparison.Ordinal));
        var skippedRow = lines.First(l => l.Contains("more steps", StringComparison.Ordinal));
        Assert.Equal(stepRow.IndexOf('|'), skippedRow.IndexOf('|'));
    }

    [Fact]
    public void AWideTraceFitsTheWidthByShowingItsThreadsAGroupAtATime()
    {
        var trace = Enumerable.Range(0, 14 * 3).Select(i => Step(i, i % 14, $"Interlocked.Increment(HitCounter._count) {i}", 10 + i)).ToList();

        var text = Print(trace, 100);

        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 100, $"{line.Length} characters: {line}"));
        Assert.Contains("threads 1-", text);
        Assert.Contains("of 14", text);
        for (int i = 0; i < 14 * 3; i++) Assert.Contains($"(line {10 + i})", text);
    }
}
