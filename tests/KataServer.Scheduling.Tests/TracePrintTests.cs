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

public class DeadlockTracePrintTests(ITestOutputHelper output)
{
    [Fact]
    public void TraceOfDeadlockIsReadable()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var a = new object();
            var b = new object();
            var t1 = KataServer.Scheduling.Interception.ControlledThread.New(() =>
            {
                KataServer.Scheduling.Interception.ControlledMonitor.Enter(a);
                KataServer.Scheduling.Interception.ControlledMonitor.Enter(b);
                KataServer.Scheduling.Interception.ControlledMonitor.Exit(b);
                KataServer.Scheduling.Interception.ControlledMonitor.Exit(a);
            });
            KataServer.Scheduling.Interception.ControlledThread.Start(t1);
            KataServer.Scheduling.Interception.ControlledMonitor.Enter(b);
            KataServer.Scheduling.Interception.ControlledMonitor.Enter(a);
            KataServer.Scheduling.Interception.ControlledMonitor.Exit(a);
            KataServer.Scheduling.Interception.ControlledMonitor.Exit(b);
            KataServer.Scheduling.Interception.ControlledThread.Join(t1);
        }, Opts("random", 500));
        output.WriteLine(r.Bug!.Message);
        foreach (var s in r.Bug.Trace)
        {
            output.WriteLine($"{s.Step,3} {s.OperationName,-10} {s.Action,-45} {Path.GetFileName(s.SourceFile)}:{s.Line}");
        }

        Assert.Equal(BugKind.Deadlock, r.Bug.Kind);
        Assert.Contains(r.Bug.Trace, s => s.Action.StartsWith("blocked: waits for lock"));
    }
}
