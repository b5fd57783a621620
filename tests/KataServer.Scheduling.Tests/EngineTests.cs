using KataServer.Scheduling.Interception;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

public class EngineTests
{
    [Fact]
    public void BusyLoopWithoutSchedulingPointsIsReportedNotHung()
    {
        // Spins until the engine has given up on it (the grace counts only time it could run, so a
        // fixed-length loop could end first on a busy machine); the cap keeps a broken engine from leaking it.
        var explored = new ManualResetEventSlim();
        var r = ScheduleExplorer.Explore(() =>
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (!explored.IsSet && sw.ElapsedMilliseconds < 60_000)
            {
                // burns CPU without touching anything the engine observes
            }
        }, Opts(schedules: 1) with { UncontrolledGrace = TimeSpan.FromMilliseconds(200) });
        explored.Set();
        Assert.NotNull(r.Bug);
        Assert.Equal(BugKind.Hang, r.Bug!.Kind);
        Assert.Contains("without reaching a scheduling point", r.Bug.Message);
    }

    [Fact]
    public void UncontrolledMonitorWaitNamesTheApi()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var o = new object();
            lock (o)
            {
                Monitor.Wait(o); // not rewritten
            }
        }, Opts(schedules: 1) with { UncontrolledGrace = TimeSpan.FromMilliseconds(200) });
        Assert.Equal(BugKind.Uncontrolled, r.Bug?.Kind);
        Assert.Contains("System.Threading.Monitor.Wait", r.Bug!.Message);
    }

    [Fact]
    public void CancellationStopsExplorationWithoutBug()
    {
        using var cts = new CancellationTokenSource();
        int runs = 0;
        var r = ScheduleExplorer.Explore(() =>
        {
            if (Interlocked.Increment(ref runs) == 50)
            {
                cts.Cancel();
            }
        }, Opts(schedules: 1_000_000) with { TimeBudget = TimeSpan.FromMinutes(1) }, ct: cts.Token);
        Assert.Null(r.Bug);
        Assert.InRange(r.SchedulesExplored, 50, 51);
    }

    [Fact]
    public void ProgressIsReported()
    {
        var reports = new List<ExplorationProgress>();
        var progress = new SyncProgress(reports.Add);
        var r = ScheduleExplorer.Explore(LockedIncrementTest, Opts("random", 300), progress);
        Assert.NotEmpty(reports);
        Assert.Equal(r.SchedulesExplored, reports[^1].SchedulesExplored);
    }

    private sealed class SyncProgress(Action<ExplorationProgress> report) : IProgress<ExplorationProgress>
    {
        public void Report(ExplorationProgress value) => report(value);
    }

    [Fact]
    public void DeadlockReplaysEveryTimeWithTheSameMessage()
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

        var found = ScheduleExplorer.Explore(Test, Opts("random", 500, seed: 3));
        Assert.Equal(BugKind.Deadlock, found.Bug?.Kind);
        Assert.StartsWith("ks1.", found.Bug!.ReplayToken);
        Assert.Equal("Deadlock: main waits for thread 1 to finish; thread 1 holds lock A, waits for lock B; thread 2 holds lock B, waits for lock A.", found.Bug.Message);
        for (int i = 0; i < 100; i++)
        {
            var r = ScheduleExplorer.Replay(Test, found.Bug.ReplayToken, Opts());
            Assert.Equal(found.Bug.Message, r.Bug?.Message);
        }

        var enter = found.Bug.Trace.First(s => s.Action.StartsWith("Monitor.Enter"));
        Assert.EndsWith("EngineTests.cs", enter.SourceFile);
        Assert.NotNull(enter.Line);
    }

    [Fact]
    public void IsUserSourceFileSelectsTheFrame()
    {
        var r = ScheduleExplorer.Explore(LostUpdateTest, Opts("random", 100) with { IsUserSourceFile = f => f.EndsWith("CoreTests.cs") });
        Assert.All(r.Bug!.Trace.Where(s => s.SourceFile is not null), s => Assert.EndsWith("CoreTests.cs", s.SourceFile));
    }

    [Fact]
    public void ReplayTokenRoundTrips()
    {
        var t = new ReplayToken("portfolio/pct", 12345678901234UL, [0, 1, 2, 300, 70000]);
        var back = ReplayToken.Decode(t.Encode());
        Assert.Equal(t.Strategy, back.Strategy);
        Assert.Equal(t.Seed, back.Seed);
        Assert.Equal(t.Choices, back.Choices);
        Assert.Throws<FormatException>(() => ReplayToken.Decode("nope"));
    }

    [Fact]
    public void ReplayTokenCarriesTheClocksItStartedFrom()
    {
        var clock = new ClockEpoch(new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc).Ticks + 1234, 987_654_321_012, 55_555_555);
        var t = new ReplayToken("portfolio/pct", 99UL, [0, 1, 1]) { Clock = clock };
        Assert.Equal(clock, ReplayToken.Decode(t.Encode()).Clock);
        Assert.Null(ReplayToken.Decode(new ReplayToken("dfs", 1, [0]).Encode()).Clock); // a token of before: the replaying process's clocks

        // A crafted token may not set a clock no real one shows (DateTime would throw inside the learner's code).
        var crafted = new ReplayToken("dfs", 1, [0]) { Clock = clock with { UtcTicks = DateTime.MaxValue.Ticks } }.Encode();
        Assert.Contains("clock", Assert.Throws<FormatException>(() => ReplayToken.Decode(crafted)).Message);
    }

    [Fact]
    public void AReplayRunsOnTheClocksOfTheProcessThatFoundTheBug()
    {
        // What `kata replay` in another process sees: the token's clocks, not its own. Code whose path depends on a
        // clock's absolute value (a stripe picked by the tick count) then takes the finding's path again.
        DateTime seenUtc = default;
        long seenTicks = 0, seenTimestamp = 0;
        var clock = new ClockEpoch(new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc).Ticks, 777_000_000_000, 42_000);
        var token = new ReplayToken("random", 3, []) { Clock = clock }.Encode();
        var r = ScheduleExplorer.Replay(() =>
        {
            seenUtc = KataServer.Scheduling.Interception.ControlledDateTime.get_UtcNow();
            seenTicks = KataServer.Scheduling.Interception.ControlledEnvironment.get_TickCount64();
            seenTimestamp = KataServer.Scheduling.Interception.ControlledStopwatch.GetTimestamp();
        }, token, Opts());

        Assert.Null(r.Bug);
        Assert.InRange(seenUtc - new DateTime(clock.UtcTicks, DateTimeKind.Utc), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.Equal(42_000, seenTicks);
        Assert.InRange(seenTimestamp - clock.Timestamp, 0, System.Diagnostics.Stopwatch.Frequency / 1000);
    }

    [Fact]
    public void LongRepetitiveSchedulesGetShortTokens()
    {
        // A hang at the step bound: 20,000 choices cycling between two spinning threads.
        var choices = Enumerable.Range(0, 20_000).Select(i => i % 3 == 0 ? 1 : 0).ToList();
        var token = new ReplayToken("portfolio/random", 42, choices).Encode();

        Assert.StartsWith("ks2.", token);
        Assert.True(token.Length < 2_000, $"token is {token.Length} characters");
        Assert.Equal(choices, ReplayToken.Decode(token).Choices);
    }

    [Theory]
    [InlineData("ks2.")]
    [InlineData("ks2.not*base64")]
    [InlineData("ks2.AAAAAAAAAAAA")]
    public void CorruptCompressedTokensAreRejectedClearly(string token)
    {
        var error = Assert.Throws<FormatException>(() => ReplayToken.Decode(token));
        Assert.Contains("replay token", error.Message);
    }

    [Fact]
    public void DivergingReplayIsReportedNotMisleading()
    {
        var r = ScheduleExplorer.Replay(LostUpdateTest, new ReplayToken("random", 0, [5, 5, 5]).Encode(), Opts());
        Assert.Equal(BugKind.Uncontrolled, r.Bug?.Kind);
        Assert.Contains("diverged", r.Bug!.Message);
    }

    [Fact]
    public void NoStrayWorkersAfterABuggyExploration()
    {
        int before = KataServer.Scheduling.Runtime.Worker.CreatedCount;
        for (int i = 0; i < 50; i++)
        {
            ScheduleExplorer.Explore(LostUpdateTest, Opts("random", 100, seed: (ulong)i));
        }

        // Workers are pooled: repeated explorations (each ending in a cancelled schedule) reuse them instead of piling up threads.
        int created = KataServer.Scheduling.Runtime.Worker.CreatedCount - before;
        Assert.True(created < 100, "workers created: " + created);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void DfsUnboundedExhaustsLockedCounter()
    {
        var r = ScheduleExplorer.Explore(LockedIncrementTest, Opts("dfs", 1_000_000) with { MaxPreemptions = -1, TimeBudget = TimeSpan.FromMinutes(5) });
        Assert.Null(r.Bug);
        Assert.True(r.SpaceExhausted);
        Assert.Equal("all schedules explored (DFS, no bound was reached)", r.Coverage);
    }
}

public class PollingTests
{
    [Fact]
    public void PollingTaskIsCompletedTerminatesUnderEveryStrategy()
    {
        foreach (var s in new[] { "random", "pct", "dfs", "portfolio" })
        {
            var r = ScheduleExplorer.Explore(() =>
            {
                int x = 0;
                var t = ControlledTask.Run(() => ControlledInterlocked.Increment(ref x));
                while (!ControlledTask.get_IsCompleted(t))
                {
                }

                Assert.Equal(1, x);
            }, Opts(s, 50));
            Assert.True(r.Bug is null, s + ": " + r.Bug?.Message);
        }
    }
}

public class ThreadIdTests
{
    [Fact]
    public void ThreadIdsAreTheSameInEveryRunOfASchedule()
    {
        // Code that picks a stripe by thread id must replay: real ids depend on which Thread objects are still alive.
        static List<int> Run()
        {
            var ids = new List<int>();
            var r = ScheduleExplorer.Explore(() =>
            {
                var t = CoreTests.Start(() => { lock (ids) ids.Add(ControlledEnvironment.get_CurrentManagedThreadId()); });
                lock (ids) ids.Add(ControlledThread.get_ManagedThreadId(ControlledThread.get_CurrentThread()));
                ControlledThread.Join(t);
                lock (ids) ids.Add(ControlledThread.get_ManagedThreadId(t));
            }, CoreTests.Opts("random", 1));
            Assert.Null(r.Bug);
            return ids;
        }

        var first = Run();
        var alive = Enumerable.Range(0, 50).Select(_ => new Thread(() => { })).ToList(); // real ids move on
        Assert.Equal(first, Run());
        Assert.Equal(2, first.Distinct().Count());
        GC.KeepAlive(alive);
    }
}

public class CpuAffinityTests
{
    [Fact]
    public void AnExplorationsThreadsAllRunOnOneCpuAndAreFreedAfterwards()
    {
        if (!KataServer.Scheduling.Runtime.CpuAffinity.Enabled) return; // one CPU, not Linux, or KATA_SCHED_PIN=0

        var masks = new List<ulong>();
        var r = ScheduleExplorer.Explore(() =>
        {
            void Record() { lock (masks) masks.Add(AffinityOfThisThread()); }
            var t = CoreTests.Start(Record);
            Record();
            ControlledThread.Join(t);
        }, CoreTests.Opts("random", 20));

        Assert.Null(r.Bug);
        Assert.Equal(40, masks.Count);
        Assert.All(masks, mask => Assert.True(ulong.IsPow2(mask), $"affinity mask {mask:x}: more than one CPU"));
        Assert.Single(masks.Distinct());

        // A replay is not an exploration: the same worker threads run it on every CPU again.
        var replayed = new List<ulong>();
        ScheduleExplorer.Replay(() => { lock (replayed) replayed.Add(AffinityOfThisThread()); }, r.Bug?.ReplayToken ?? new ReplayToken("random", 1, []).Encode(), CoreTests.Opts());
        Assert.Equal(AffinityOfThisThread(), Assert.Single(replayed));
    }

    private static ulong AffinityOfThisThread()
    {
        ulong mask = 0;
        Assert.Equal(0, sched_getaffinity(0, sizeof(ulong), ref mask));
        return mask;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int sched_getaffinity(int pid, nint cpusetsize, ref ulong mask);
}

public class CleanupTests
{
    [Fact]
    public void ForgottenBlockedTasksDoNotLeakThreads()
    {
        int before = KataServer.Scheduling.Runtime.Worker.CreatedCount;
        var r = ScheduleExplorer.Explore(() =>
        {
            var never = ControlledSemaphoreSlim.New(0);
            ControlledTask.Run(() => ControlledSemaphoreSlim.Wait(never)); // fire and forget, blocks forever
        }, CoreTests.Opts("random", 300));
        Assert.Null(r.Bug);
        Assert.Equal(300, r.SchedulesExplored);
        Assert.True(KataServer.Scheduling.Runtime.Worker.CreatedCount - before < 150, "workers created: " + (KataServer.Scheduling.Runtime.Worker.CreatedCount - before));
    }
}

public class EarlyTimeoutTests
{
    private static void GiveUpTooEarly()
    {
        var ev = KataServer.Scheduling.Interception.ControlledManualResetEventSlim.New(false);
        int x = 0;
        var t = KataServer.Scheduling.Interception.ControlledThread.New(() =>
        {
            KataServer.Scheduling.Interception.ControlledVolatile.Write(ref x, 1);
            KataServer.Scheduling.Interception.ControlledManualResetEventSlim.Set(ev);
        });
        KataServer.Scheduling.Interception.ControlledThread.Start(t);
        if (!KataServer.Scheduling.Interception.ControlledManualResetEventSlim.Wait(ev, 1000))
        {
            throw new TimeoutException("gave up");
        }

        KataServer.Scheduling.Interception.ControlledThread.Join(t);
    }

    [Fact]
    public void TimeoutsFireOnlyWhenEverythingWaitsByDefault()
    {
        var r = ScheduleExplorer.Explore(GiveUpTooEarly, CoreTests.Opts("portfolio", 300));
        Assert.Null(r.Bug);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    [InlineData("dfs")]
    [InlineData("portfolio")]
    public void EarlyTimeoutsAreExploredWhenAskedFor(string strategy)
    {
        var r = ScheduleExplorer.Explore(GiveUpTooEarly, CoreTests.Opts(strategy, 300) with { ExploreEarlyTimeouts = true });
        Assert.IsType<TimeoutException>(r.Bug?.Exception);
        Assert.Contains(r.Bug!.Trace, s => s.Action.StartsWith("timed out at 1000 ms"));
    }

    /// <summary>Two threads that take turns by sleeping (the second sleeps until the first must be done), then race on x.</summary>
    private static void TakeTurnsBySleeping()
    {
        int x = 0;
        void Body(int sleepMs)
        {
            KataServer.Scheduling.Interception.ControlledThread.Sleep(sleepMs);
            int seen = KataServer.Scheduling.Interception.ControlledVolatile.Read(ref x);
            KataServer.Scheduling.Interception.ControlledVolatile.Write(ref x, seen + 1);
        }

        var a = KataServer.Scheduling.Interception.ControlledThread.New(() => Body(40));
        var b = KataServer.Scheduling.Interception.ControlledThread.New(() => Body(80));
        KataServer.Scheduling.Interception.ControlledThread.Start(a);
        KataServer.Scheduling.Interception.ControlledThread.Start(b);
        KataServer.Scheduling.Interception.ControlledThread.Join(a);
        KataServer.Scheduling.Interception.ControlledThread.Join(b);
        if (x != 2) throw new InvalidOperationException("lost update");
    }

    [Fact]
    public void SleepingInTurnsHidesTheRaceWithoutEarlyTimeouts()
    {
        var r = ScheduleExplorer.Explore(TakeTurnsBySleeping, CoreTests.Opts("dfs", 10_000));
        Assert.Null(r.Bug);
        // Time alone ordered the threads: that is no certificate.
        Assert.False(r.SpaceExhausted);
        Assert.Contains("no certificate", r.Coverage);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("dfs")]
    [InlineData("portfolio")]
    public void EarlyTimeoutsExploreSleepingInTurnsAway(string strategy)
    {
        var r = ScheduleExplorer.Explore(TakeTurnsBySleeping, CoreTests.Opts(strategy, 2000) with { ExploreEarlyTimeouts = true, EarlyTimeoutHorizonMs = 1000 });
        Assert.IsType<InvalidOperationException>(r.Bug?.Exception);
    }

    [Fact]
    public void TimeoutsBeyondTheHorizonDoNotFireEarly()
    {
        var r = ScheduleExplorer.Explore(GiveUpTooEarly, CoreTests.Opts("portfolio", 300) with { ExploreEarlyTimeouts = true, EarlyTimeoutHorizonMs = 999 });
        Assert.Null(r.Bug);
    }
}
