using System.Runtime.InteropServices;
using KataServer.Common;

namespace KataServer.Scheduling.Tests;

public class StarvationAwareClockTests
{
    private const long Ms = 1_000_000;

    private sealed class FakeKernel
    {
        public long Wall;
        public Dictionary<int, StarvationAwareClock.ThreadTimes>? Threads = new() { [1] = default, [2] = default };

        public StarvationAwareClock Clock() =>
            new(() => Threads is null ? null : new Dictionary<int, StarvationAwareClock.ThreadTimes>(Threads), () => Wall, cores: 2);

        public void Add(int thread, long runningMs, long waitingMs)
        {
            var t = Threads!.GetValueOrDefault(thread);
            Threads![thread] = new(t.Running + runningMs * Ms, t.Waiting + waitingMs * Ms);
        }
    }

    [Fact]
    public void ThreadsThatRunOrBlockDoNotSlowTheClock()
    {
        var kernel = new FakeKernel();
        var clock = kernel.Clock();
        kernel.Wall += 1000 * Ms;
        kernel.Add(1, runningMs: 1000, waitingMs: 0);
        Assert.Equal(TimeSpan.FromSeconds(1), clock.Sample());
    }

    [Fact]
    public void TimeTheProcessWaitsForACpuIsNotCounted()
    {
        var kernel = new FakeKernel();
        var clock = kernel.Clock();
        kernel.Wall += 1000 * Ms;
        kernel.Add(1, runningMs: 100, waitingMs: 300);
        kernel.Add(2, runningMs: 200, waitingMs: 700);
        Assert.Equal(TimeSpan.FromMilliseconds(300), clock.Sample());

        kernel.Wall += 1000 * Ms;
        kernel.Add(3, runningMs: 0, waitingMs: 5000); // a new thread: its wait is capped at the time since the last sample
        Assert.Equal(TimeSpan.FromMilliseconds(300), clock.Sample());

        kernel.Wall += 500 * Ms;
        kernel.Threads!.Remove(3);
        Assert.Equal(TimeSpan.FromMilliseconds(800), clock.Sample());
    }

    [Fact]
    public void TimeAThreadRanIsCountedEvenWhenAnotherWaitedAllAlong()
    {
        // A starved process runs little: the clock counts at least what its busiest thread ran.
        var kernel = new FakeKernel();
        var clock = kernel.Clock();
        kernel.Wall += 1000 * Ms;
        kernel.Add(1, runningMs: 250, waitingMs: 750);
        kernel.Add(2, runningMs: 0, waitingMs: 1000);
        Assert.Equal(TimeSpan.FromMilliseconds(250), clock.Sample());

        // A process that crowds itself (a thread yielding beside busy ones) is running, not starved.
        kernel.Wall += 1000 * Ms;
        kernel.Add(1, runningMs: 1000, waitingMs: 0);
        kernel.Add(2, runningMs: 5, waitingMs: 995);
        Assert.Equal(TimeSpan.FromMilliseconds(1250), clock.Sample());

        // Three threads sharing two cores, each waiting a third of the time: the cores were the process's.
        kernel.Wall += 900 * Ms;
        foreach (var thread in new[] { 1, 2, 3 }) kernel.Add(thread, runningMs: 600, waitingMs: 300);
        Assert.Equal(TimeSpan.FromMilliseconds(2150), clock.Sample());
    }

    [Fact]
    public void AReaderStarvedBetweenItsReadsDoesNotMakeAStarvedProcessLookBusy()
    {
        // A process that gets a quarter of a CPU: by time t it ran t/4 and waited 3t/4. At the second sample the
        // reader reads the wall clock at 100 ms, then itself waits for a CPU and reads the threads' times at 200 ms.
        long now = 0, lagNext = 0;
        var clock = new StarvationAwareClock(
            () =>
            {
                now += lagNext;
                lagNext = 0;
                return new Dictionary<int, StarvationAwareClock.ThreadTimes> { [1] = new(now / 4, now * 3 / 4) };
            },
            () => now,
            cores: 2);

        now = 50 * Ms;
        clock.Sample();
        now = 100 * Ms;
        lagNext = 100 * Ms;
        clock.Sample();
        now = 250 * Ms;
        clock.Sample();

        Assert.Equal(TimeSpan.FromMilliseconds(62.5), clock.Elapsed); // a quarter of 250 ms, as the process got
    }

    [Fact]
    public void WithoutSchedulerStatisticsItIsTheWallClock()
    {
        var kernel = new FakeKernel { Threads = null };
        var clock = kernel.Clock();
        kernel.Wall += 1000 * Ms;
        Assert.Equal(TimeSpan.FromSeconds(1), clock.Sample());
    }

    [Fact]
    public void AProgramSharingItsCoreWithOtherProgramsCountsOnlyItsShare()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/schedstat") || !File.Exists("/bin/sh"))
        {
            return;
        }

        // Four programs spin on CPU 0; the clock watches one of them, which gets about a quarter of it.
        // (Another program, not this test process: other tests run here at the same time.)
        ulong firstCore = 1;
        var programs = Enumerable.Range(0, 4).Select(_ => System.Diagnostics.Process.Start("/bin/sh", ["-c", "while :; do :; done"])).ToList();
        try
        {
            Assert.All(programs, p => Assert.Equal(0, sched_setaffinity(p.Id, sizeof(ulong), ref firstCore)));
            var watched = programs[0].Id;
            Thread.Sleep(200); // every shell is past its start-up and spinning before the clock starts
            // The wall clock starts first: on a loaded machine this thread may wait long between the two lines.
            var wall = System.Diagnostics.Stopwatch.StartNew();
            var clock = StarvationAwareClock.ForProcesses(() => [watched]);
            while (wall.ElapsedMilliseconds < 800)
            {
                Thread.Sleep(50);
                clock.Sample();
            }

            var counted = clock.Sample();
            Assert.True(counted < wall.Elapsed * 0.6, $"counted {counted.TotalMilliseconds:0} ms of {wall.ElapsedMilliseconds} ms");
        }
        finally
        {
            foreach (var program in programs)
            {
                program.Kill();
                program.WaitForExit();
                program.Dispose();
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setaffinity(int pid, nint cpusetsize, ref ulong mask);
}
