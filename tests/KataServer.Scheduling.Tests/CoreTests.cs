using KataServer.Scheduling.Interception;

namespace KataServer.Scheduling.Tests;

public class CoreTests
{
    internal static ExplorationOptions Opts(string strategy = "random", int schedules = 200, ulong seed = 1) =>
        new() { Strategy = strategy, MaxSchedules = schedules, Seed = seed, TimeBudget = TimeSpan.FromSeconds(20) };

    internal static void AssertNoBug(ExplorationResult r) => Assert.True(r.Bug is null, r.Bug?.Message + "\n" + r.Bug?.Exception);

    /// <summary>Starts a controlled thread running <paramref name="a"/>.</summary>
    internal static Thread Start(Action a)
    {
        var t = ControlledThread.New(() => a());
        ControlledThread.Start(t);
        return t;
    }

    internal sealed class Counter
    {
        public int Value;
    }

    /// <summary>x = x + 1 with the field hooks the rewriter would insert.</summary>
    internal static void RacyIncrement(Counter c)
    {
        SharedMemoryHooks.BeforeFieldRead(c, "Counter.Value");
        int v = c.Value;
        SharedMemoryHooks.BeforeFieldWrite(c, "Counter.Value");
        c.Value = v + 1;
    }

    internal static void LostUpdateTest()
    {
        var c = new Counter();
        var t1 = ControlledThread.New(() => RacyIncrement(c));
        var t2 = ControlledThread.New(() => RacyIncrement(c));
        ControlledThread.Start(t1);
        ControlledThread.Start(t2);
        ControlledThread.Join(t1);
        ControlledThread.Join(t2);
        if (c.Value != 2)
        {
            throw new InvalidOperationException($"lost update: {c.Value}");
        }
    }

    internal static void LockedIncrementTest()
    {
        var c = new Counter();
        var gate = new object();
        void Work()
        {
            bool taken = false;
            try
            {
                ControlledMonitor.Enter(gate, ref taken);
                RacyIncrement(c);
            }
            finally
            {
                if (taken)
                {
                    ControlledMonitor.Exit(gate);
                }
            }
        }

        var t1 = ControlledThread.New(Work);
        var t2 = ControlledThread.New(Work);
        ControlledThread.Start(t1);
        ControlledThread.Start(t2);
        ControlledThread.Join(t1);
        ControlledThread.Join(t2);
        if (c.Value != 2)
        {
            throw new InvalidOperationException($"lost update: {c.Value}");
        }
    }

    [Fact]
    public void UncontrolledBodyRuns()
    {
        int ran = 0;
        var r = ScheduleExplorer.Explore(() => ran++, Opts(schedules: 10));
        Assert.Null(r.Bug);
        Assert.Equal(10, ran);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    [InlineData("dfs")]
    [InlineData("portfolio")]
    public void LostUpdateIsFoundByEveryStrategy(string strategy)
    {
        var r = ScheduleExplorer.Explore(LostUpdateTest, Opts(strategy, 500));
        Assert.NotNull(r.Bug);
        Assert.Equal(BugKind.Exception, r.Bug!.Kind);
        Assert.Contains("lost update", r.Bug.Message);
        Assert.Contains(r.Bug.Trace, s => s.Action == "read Counter.Value");
        Assert.Contains(r.Bug.Trace, s => s.Action == "write Counter.Value" && s.Line is not null && s.SourceFile!.EndsWith("CoreTests.cs"));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    [InlineData("portfolio")]
    public void CorrectProgramHasNoBug(string strategy)
    {
        var r = ScheduleExplorer.Explore(LockedIncrementTest, Opts(strategy, 300));
        Assert.Null(r.Bug);
        Assert.Equal(300, r.SchedulesExplored);
    }

    [Fact]
    public void DfsExhaustsCorrectProgram()
    {
        var r = ScheduleExplorer.Explore(LockedIncrementTest, Opts("dfs", 100_000) with { MaxPreemptions = 1 });
        Assert.Null(r.Bug);
        Assert.True(r.SpaceExhausted);
        Assert.Contains("at most 1 preemptions", r.Coverage);
    }

    [Fact]
    public void DfsDeepensItsBoundSoAnEarlyOnePreemptionBugIsFoundBeforeTailVariations()
    {
        // The lost update needs one preemption early on; after it, both threads walk a long private tail where a
        // fixed-bound DFS would first try every pair of preemptions.
        static void Test()
        {
            var c = new Counter();
            void Body()
            {
                RacyIncrement(c);
                var own = new Counter();
                for (int i = 0; i < 30; i++)
                {
                    SharedMemoryHooks.BeforeFieldRead(own, "Counter.Value");
                }
            }

            var t1 = ControlledThread.New(Body);
            var t2 = ControlledThread.New(Body);
            ControlledThread.Start(t1);
            ControlledThread.Start(t2);
            ControlledThread.Join(t1);
            ControlledThread.Join(t2);
            if (c.Value != 2)
            {
                throw new InvalidOperationException($"lost update: {c.Value}");
            }
        }

        var r = ScheduleExplorer.Explore(Test, Opts("dfs", 100_000) with { MaxPreemptions = 2 });

        Assert.Equal(BugKind.Exception, r.Bug?.Kind);
        Assert.True(r.SchedulesExplored < 200, $"found after {r.SchedulesExplored} schedules");
    }

    [Fact]
    public void DfsReportsTheBoundItHasCompletedSoFar()
    {
        var r = ScheduleExplorer.Explore(LockedIncrementTest, Opts("dfs", 30) with { MaxPreemptions = 3 });

        Assert.Null(r.Bug);
        Assert.False(r.SpaceExhausted);
        Assert.Matches(@"^all schedules with at most [0-2] preemptions explored \(DFS; [1-3] in progress\)$", r.Coverage);
    }

    [Fact]
    public void DfsEnumeratesExactlySixInterleavingsOfTwoByTwo()
    {
        var seen = new HashSet<string>();
        int runs = 0;
        void Test()
        {
            var log = new List<string>();
            var c = new Counter();
            void Body(string name)
            {
                SharedMemoryHooks.BeforeFieldRead(c, "a");
                log.Add(name + "1");
                SharedMemoryHooks.BeforeFieldRead(c, "b");
                log.Add(name + "2");
            }

            var t1 = ControlledThread.New(() => Body("x"));
            var t2 = ControlledThread.New(() => Body("y"));
            ControlledThread.Start(t1);
            ControlledThread.Start(t2);
            ControlledThread.Join(t1);
            ControlledThread.Join(t2);
            lock (seen)
            {
                seen.Add(string.Join(",", log));
                runs++;
            }
        }

        var r = ScheduleExplorer.Explore(Test, Opts("dfs", 100_000) with { MaxPreemptions = -1 });
        Assert.Null(r.Bug);
        Assert.True(r.SpaceExhausted);
        Assert.Equal(6, seen.Count);
        Assert.Equal(r.SchedulesExplored, runs);
    }

    [Fact]
    public void DeadlockIsReportedWithHoldersAndWaiters()
    {
        static void Test()
        {
            var a = new object();
            var b = new object();
            var t1 = ControlledThread.New(() =>
            {
                ControlledMonitor.Enter(a);
                ControlledMonitor.Enter(b);
                ControlledMonitor.Exit(b);
                ControlledMonitor.Exit(a);
            });
            var t2 = ControlledThread.New(() =>
            {
                ControlledMonitor.Enter(b);
                ControlledMonitor.Enter(a);
                ControlledMonitor.Exit(a);
                ControlledMonitor.Exit(b);
            });
            ControlledThread.Start(t1);
            ControlledThread.Start(t2);
            ControlledThread.Join(t1);
            ControlledThread.Join(t2);
        }

        foreach (var strategy in new[] { "random", "pct", "dfs", "portfolio" })
        {
            var r = ScheduleExplorer.Explore(Test, Opts(strategy, 500));
            Assert.NotNull(r.Bug);
            Assert.Equal(BugKind.Deadlock, r.Bug!.Kind);
            Assert.Matches(@"thread 1 holds lock [AB], waits for lock [AB]", r.Bug.Message);
            Assert.Matches(@"thread 2 holds lock [AB], waits for lock [AB]", r.Bug.Message);
            Assert.Contains("main waits for thread", r.Bug.Message);
        }
    }

    [Fact]
    public void SameSeedSameTrace()
    {
        var a = ScheduleExplorer.Explore(LostUpdateTest, Opts("random", 500, seed: 42));
        var b = ScheduleExplorer.Explore(LostUpdateTest, Opts("random", 500, seed: 42));
        Assert.Equal(a.SchedulesExplored, b.SchedulesExplored);
        Assert.Equal(a.Bug!.ReplayToken, b.Bug!.ReplayToken);
        Assert.Equal(a.Bug.Trace.Select(t => (t.OperationId, t.Action)), b.Bug.Trace.Select(t => (t.OperationId, t.Action)));
    }

    [Fact]
    public void ReplayTokenReproducesEveryTime()
    {
        var found = ScheduleExplorer.Explore(LostUpdateTest, Opts("pct", 500, seed: 7));
        Assert.NotNull(found.Bug);
        for (int i = 0; i < 100; i++)
        {
            var r = ScheduleExplorer.Replay(LostUpdateTest, found.Bug!.ReplayToken, Opts());
            Assert.NotNull(r.Bug);
            Assert.Equal(found.Bug.Message, r.Bug!.Message);
            Assert.Equal(found.Bug.Trace.Count, r.Bug.Trace.Count);
        }
    }

    [Fact]
    public void ExceptionInThreadIsABug()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var t = ControlledThread.New(() => throw new InvalidTimeZoneException("boom"));
            ControlledThread.Start(t);
            ControlledThread.Join(t);
        }, Opts(schedules: 5));
        Assert.Equal(BugKind.Exception, r.Bug!.Kind);
        Assert.IsType<InvalidTimeZoneException>(r.Bug.Exception);
        Assert.Contains("thread 1", r.Bug.Message);
    }

    [Fact]
    public void LivelockIsAHang()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var c = new Counter();
            while (true)
            {
                SharedMemoryHooks.BeforeFieldRead(c, "Counter.Value");
            }
        }, Opts(schedules: 5) with { MaxSteps = 500 });
        Assert.Equal(BugKind.Hang, r.Bug!.Kind);
    }

    [Fact]
    public void SpinWaitOnFlagTerminatesUnderEveryStrategy()
    {
        static void Test()
        {
            int flag = 0;
            var t = ControlledThread.New(() => ControlledVolatile.Write(ref flag, 1));
            ControlledThread.Start(t);
            while (ControlledVolatile.Read(ref flag) == 0)
            {
            }

            ControlledThread.Join(t);
        }

        foreach (var s in new[] { "random", "pct", "dfs", "portfolio" })
        {
            var r = ScheduleExplorer.Explore(Test, Opts(s, 50));
            Assert.Null(r.Bug);
        }
    }

    [Fact]
    public void UncontrolledBlockingIsReported()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            using var ev = new ManualResetEvent(false);
            var t = ControlledThread.New(() => ev.Set());
            ev.WaitOne(); // not rewritten: real blocking wait
            ControlledThread.Start(t);
        }, Opts(schedules: 3) with { UncontrolledGrace = TimeSpan.FromMilliseconds(300) });
        Assert.NotNull(r.Bug);
        Assert.Equal(BugKind.Uncontrolled, r.Bug!.Kind);
        Assert.Contains("WaitHandle.WaitOne", r.Bug.Message);
    }
}
