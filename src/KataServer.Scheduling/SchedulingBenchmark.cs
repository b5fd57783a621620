using System.Diagnostics;
using System.Text;
using KataServer.Scheduling.Interception;

namespace KataServer.Scheduling;

/// <summary>Measures schedules per second and time to first bug on small programs, per strategy. Returns a markdown table.</summary>
public static class SchedulingBenchmark
{
    private sealed class Box
    {
        public int Value;
    }

    private static void Increment(Box b)
    {
        SharedMemoryHooks.BeforeFieldRead(b, "Box.Value");
        int v = b.Value;
        SharedMemoryHooks.BeforeFieldWrite(b, "Box.Value");
        b.Value = v + 1;
    }

    private static void RunThreads(int count, Action body)
    {
        var threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            threads[i] = ControlledThread.New(() => body());
            ControlledThread.Start(threads[i]);
        }

        for (int i = 0; i < count; i++)
        {
            ControlledThread.Join(threads[i]);
        }
    }

    /// <summary>2 threads incrementing a shared counter under a lock (correct).</summary>
    public static void LockedCounter2()
    {
        var b = new Box();
        var gate = new object();
        RunThreads(2, () =>
        {
            bool taken = false;
            ControlledMonitor.Enter(gate, ref taken);
            Increment(b);
            ControlledMonitor.Exit(gate);
        });
    }

    /// <summary>3 threads incrementing a shared counter under a lock (correct).</summary>
    public static void LockedCounter3()
    {
        var b = new Box();
        var gate = new object();
        RunThreads(3, () =>
        {
            bool taken = false;
            ControlledMonitor.Enter(gate, ref taken);
            Increment(b);
            ControlledMonitor.Exit(gate);
        });
    }

    /// <summary>Lost update: count++ without a lock.</summary>
    public static void LostUpdate()
    {
        var b = new Box();
        RunThreads(2, () => Increment(b));
        if (b.Value != 2)
        {
            throw new InvalidOperationException("lost update");
        }
    }

    /// <summary>Lock-ordering deadlock.</summary>
    public static void Deadlock()
    {
        var a = new object();
        var c = new object();
        var t1 = ControlledThread.New(() =>
        {
            ControlledMonitor.Enter(a);
            ControlledMonitor.Enter(c);
            ControlledMonitor.Exit(c);
            ControlledMonitor.Exit(a);
        });
        var t2 = ControlledThread.New(() =>
        {
            ControlledMonitor.Enter(c);
            ControlledMonitor.Enter(a);
            ControlledMonitor.Exit(a);
            ControlledMonitor.Exit(c);
        });
        ControlledThread.Start(t1);
        ControlledThread.Start(t2);
        ControlledThread.Join(t1);
        ControlledThread.Join(t2);
    }

    public static string Run() => Run(TimeSpan.FromSeconds(2));

    public static string Run(TimeSpan perCell)
    {
        var strategies = new[] { "random", "pct", "dfs", "portfolio" };
        var sb = new StringBuilder();
        sb.AppendLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {perCell.TotalSeconds:0.#} s per throughput cell; " +
            (Runtime.CpuAffinity.Enabled ? "each exploration's threads kept on one CPU (KATA_SCHED_PIN=0 to compare)" : "threads not pinned"));
        sb.AppendLine();
        sb.AppendLine("| program | strategy | schedules | schedules/s | result |");
        sb.AppendLine("| --- | --- | ---: | ---: | --- |");
        foreach (var (name, test) in new (string, Action)[] { ("locked counter, 2 threads", LockedCounter2), ("locked counter, 3 threads", LockedCounter3) })
        {
            foreach (var s in strategies)
            {
                // dfs is bounded to 2 preemptions and may exhaust the space early.
                var r = ScheduleExplorer.Explore(test, new ExplorationOptions { Strategy = s, MaxSchedules = int.MaxValue, TimeBudget = perCell, Seed = 1 });
                double rate = r.SchedulesExplored / Math.Max(r.Elapsed.TotalSeconds, 1e-9);
                sb.AppendLine($"| {name} | {s} | {r.SchedulesExplored} | {rate:0} | {(r.Bug is null ? (r.SpaceExhausted ? "no bug, space exhausted" : "no bug") : r.Bug.Kind.ToString())} |");
            }
        }

        sb.AppendLine();
        sb.AppendLine("| bug | strategy | schedules to first bug | time to first bug (incl. trace replay) | kind |");
        sb.AppendLine("| --- | --- | ---: | ---: | --- |");
        foreach (var (name, test) in new (string, Action)[] { ("lost update count++", LostUpdate), ("lock-order deadlock", Deadlock) })
        {
            foreach (var s in strategies)
            {
                var sw = Stopwatch.StartNew();
                var r = ScheduleExplorer.Explore(test, new ExplorationOptions { Strategy = s, MaxSchedules = 100_000, TimeBudget = TimeSpan.FromSeconds(10), Seed = 1 });
                sb.AppendLine($"| {name} | {s} | {r.SchedulesExplored} | {sw.Elapsed.TotalMilliseconds:0.0} ms | {r.Bug?.Kind.ToString() ?? "not found"} |");
            }
        }

        return sb.ToString();
    }
}
