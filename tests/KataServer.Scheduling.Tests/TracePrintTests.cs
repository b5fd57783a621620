using Xunit.Abstractions;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

public class TracePrintTests(ITestOutputHelper output)
{
    [Fact]
    public void TraceOfLostUpdateIsReadable()
    {
        var r = ScheduleExplorer.Explore(LostUpdateTest, Opts("pct", 500));
        output.WriteLine(r.Bug!.Message);
        output.WriteLine(r.Bug.ReplayToken);
        foreach (var s in r.Bug.Trace)
        {
            output.WriteLine($"{s.Step,3} {s.OperationName,-10} {s.Action,-35} {Path.GetFileName(s.SourceFile)}:{s.Line}");
        }

        Assert.Contains(r.Bug.Trace, s => s.Action == "completed");
        Assert.Contains(r.Bug.Trace, s => s.Action == "Thread.Start(thread 1)");
    }
}
