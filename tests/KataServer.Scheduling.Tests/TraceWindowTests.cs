namespace KataServer.Scheduling.Tests;

public class TraceWindowTests
{
    private static List<TraceStep> Steps(params (int Thread, int Count)[] runs)
    {
        var trace = new List<TraceStep>();
        foreach (var (thread, count) in runs)
        {
            for (int i = 0; i < count; i++)
            {
                trace.Add(new TraceStep(trace.Count, thread, "thread " + thread, "step", null, null));
            }
        }

        return trace;
    }

    [Fact]
    public void AShortTraceIsKeptWhole()
    {
        var trace = Steps((1, 3), (2, 3));
        Assert.Same(trace, TraceWindow.Keep(trace, 400));
    }

    [Fact]
    public void WhenThreadsInterleaveNearTheEndTheLastStepsAreKept()
    {
        var trace = Steps((0, 1000), (1, 5), (2, 5), (1, 5), (0, 20));

        var kept = TraceWindow.Keep(trace, 400);

        Assert.Equal(Enumerable.Range(trace.Count - 400, 400), kept.Select(s => s.Step));
    }

    [Fact]
    public void ALivelockAfterTheRaceKeepsTheRaceAndTheEnd()
    {
        // Two threads race, then main loops alone up to the step bound.
        var trace = Steps((0, 50), (1, 4), (2, 4), (1, 4), (0, 20_000));
        int lastSwitch = 50 + 12;

        var kept = TraceWindow.Keep(trace, 400);

        Assert.Equal(400, kept.Count);
        Assert.Equal(0, kept[0].Step); // the whole beginning fits
        Assert.Contains(kept, s => s.Step == lastSwitch - 1 && s.OperationId == 1);
        Assert.Contains(kept, s => s.Step == lastSwitch && s.OperationId == 0);
        Assert.Equal(trace[^1].Step, kept[^1].Step);
        Assert.Equal(Enumerable.Range(trace.Count - 100, 100), kept.TakeLast(100).Select(s => s.Step));
        Assert.True(kept.Zip(kept.Skip(1)).All(p => p.First.Step < p.Second.Step), "steps stay in order");
    }

    [Fact]
    public void ALongInterleavingBeforeTheLivelockIsCutAtItsStart()
    {
        var trace = Steps((1, 200), (2, 200), (1, 200), (0, 5_000));

        var kept = TraceWindow.Keep(trace, 400);

        Assert.Equal(400, kept.Count);
        Assert.Equal(600 + 10 - 300, kept[0].Step);
        Assert.Equal(600 + 9, kept[299].Step);
        Assert.Equal(trace.Count - 100, kept[300].Step);
    }

    [Fact]
    public void OneThreadAloneKeepsItsLastSteps()
    {
        var trace = Steps((0, 1_000));

        Assert.Equal(Enumerable.Range(600, 400), TraceWindow.Keep(trace, 400).Select(s => s.Step));
    }
}
