using System.Diagnostics;
using System.Runtime.InteropServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Tests;

/// <summary>The permit every hand-off between operations goes through, on a futex (Linux) and on a Monitor.</summary>
public class ParkerTests
{
    public static TheoryData<bool> Mechanisms => new() { true, false };

    [Fact]
    public void OnLinuxTheFutexIsUsed()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64)
            || Environment.GetEnvironmentVariable("KATA_SCHED_FUTEX") == "0")
        {
            return;
        }

        Assert.True(Futex.Available, "the futex probe failed: hand-offs fall back to Monitor, several times slower");
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void AnUnparkBeforeTheParkIsKeptAndCountsOnce(bool futex)
    {
        var p = new Parker(futex) { Spins = 0 };
        p.Unpark();
        p.Unpark();
        Assert.True(p.Park(10_000));
        Assert.False(p.Park(30));
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void ParkTimesOutWithoutAnUnpark(bool futex)
    {
        var p = new Parker(futex) { Spins = 0 };
        var sw = Stopwatch.StartNew();
        Assert.False(p.Park(50));
        Assert.True(sw.ElapsedMilliseconds >= 40, $"returned after {sw.ElapsedMilliseconds} ms");
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void ResetDropsAPermit(bool futex)
    {
        var p = new Parker(futex) { Spins = 0 };
        p.Unpark();
        p.Reset();
        Assert.False(p.Park(30));
        p.Unpark();
        Assert.True(p.Park(10_000));
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void AParkedThreadWakesOnUnpark(bool futex)
    {
        var p = new Parker(futex) { Spins = 0 };
        bool? woke = null;
        var t = new Thread(() => woke = p.Park());
        t.Start();
        SpinWait.SpinUntil(() => (t.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0 || !t.IsAlive, 200);
        Thread.Sleep(20);
        p.Unpark();
        Assert.True(t.Join(TimeSpan.FromSeconds(30)), "the parked thread was not woken");
        Assert.True(woke);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void TwoThreadsHandOverTwentyThousandTimesWithoutLosingAWakeUp(bool futex)
    {
        var a = new Parker(futex) { Spins = 0 };
        var b = new Parker(futex) { Spins = 0 };
        const int rounds = 20_000;
        int seen = 0;
        var t = new Thread(() =>
        {
            for (int i = 0; i < rounds; i++)
            {
                b.Park();
                seen++;
                a.Unpark();
            }
        });
        t.Start();
        for (int i = 0; i < rounds; i++)
        {
            b.Unpark();
            Assert.True(a.Park(30_000), $"hand-off {i} was lost");
        }

        Assert.True(t.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(rounds, seen);
    }
}
