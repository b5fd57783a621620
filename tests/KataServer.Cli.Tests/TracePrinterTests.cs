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
}
