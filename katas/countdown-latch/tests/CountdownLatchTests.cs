using System;
using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class CountdownLatchTests
{
    // Real threads need many rounds per iteration for a race to show; the schedule explorer needs
    // few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

    /// <summary>
    /// On real threads, lets a signaller wait (spinning, bounded) for waiters to arrive, so that
    /// they are really inside Wait when the count reaches zero. The total spinning per test call
    /// is bounded, so a waiter that never arrives (because it is stuck) cannot keep the signaller
    /// busy. Under the explorer it does nothing: the explorer tries the orders itself.
    /// </summary>
    private sealed class Pacer
    {
        private int budget = 600_000; // about 30 ms of spinning

        public void AwaitAtLeast(ref int value, int target)
        {
            if (!OnRealThreads) return;
            while (budget > 0 && Volatile.Read(ref value) < target)
            {
                budget--;
                Thread.SpinWait(1);
            }
        }

        public void Pause(int spins)
        {
            if (!OnRealThreads) return;
            for (int i = 0; i < spins && budget > 0; i++, budget--) Thread.SpinWait(1);
        }
    }

    [KataTest(Description = "On one thread: the count goes down by one per Signal, Wait returns at zero, Wait(timeout) reports whether it did, Signal at zero throws InvalidOperationException.")]
    public static void SequentialRules()
    {
        var latch = new CountdownLatch(2);
        Check.Equal(2, latch.CurrentCount, FindingKind.Assertion, "A new latch must show its initial count");
        Check.Equal(false, latch.Wait(TimeSpan.Zero), FindingKind.Assertion, "Wait(TimeSpan.Zero) on a latch at 2 must return false");
        Check.Equal(false, latch.Wait(TimeSpan.FromMilliseconds(2)), FindingKind.Assertion, "Wait(2 ms) on a latch that nobody signals must time out and return false");
        latch.Signal();
        Check.Equal(1, latch.CurrentCount, FindingKind.Assertion, "After one Signal on a latch of 2, CurrentCount is wrong");
        latch.Signal();
        Check.Equal(0, latch.CurrentCount, FindingKind.Assertion, "After two Signals on a latch of 2, CurrentCount must be 0");
        latch.Wait();
        Check.Equal(true, latch.Wait(TimeSpan.Zero), FindingKind.Assertion, "Wait(TimeSpan.Zero) on a latch at zero must return true");
        Check.Equal(true, latch.Wait(TimeSpan.FromSeconds(1)), FindingKind.Assertion, "Wait(timeout) on a latch at zero must return true");
        bool threw = false;
        try { latch.Signal(); }
        catch (InvalidOperationException) { threw = true; }
        Check.That(threw, FindingKind.Assertion, "Signal on a latch already at zero must throw InvalidOperationException");
        Check.Equal(0, latch.CurrentCount, FindingKind.Assertion, "A Signal refused at zero must leave the count at 0");

        var open = new CountdownLatch(0);
        open.Wait();
        Check.Equal(true, open.Wait(TimeSpan.Zero), FindingKind.Assertion, "A latch created with count 0 is open: Wait(TimeSpan.Zero) must return true");
    }

    [KataTest(Description = "Four threads signal one latch at the same time: once they are done, every Signal has been counted.")]
    public static void NoSignalLost()
    {
        const int threads = 4;
        int perThread = Scale(2_000, 1);
        var latch = new CountdownLatch(threads * perThread);
        Concurrent.Run(threads, _ =>
        {
            for (int i = 0; i < perThread; i++) latch.Signal();
        });
        int left = latch.CurrentCount;
        Check.Equal(0, left, FindingKind.LostUpdate,
            $"{threads} threads each called Signal {perThread} times on a latch of {threads * perThread}; the count should have reached zero");
        latch.Wait();
    }

    [KataTest(Description = "Two threads signal the same latch of 1 at the same moment, round after round: exactly one Signal succeeds, the other throws InvalidOperationException, and the count never goes below zero.")]
    public static void ExactlyCountSignalsSucceed()
    {
        int rounds = Scale(300, 1);
        var latches = new CountdownLatch[rounds];
        for (int r = 0; r < rounds; r++) latches[r] = new CountdownLatch(1);
        var start = new int[rounds];
        var accepted = new int[2, rounds];
        Concurrent.Run(2, t =>
        {
            var pacer = new Pacer();
            for (int r = 0; r < rounds; r++)
            {
                Interlocked.Increment(ref start[r]);
                pacer.AwaitAtLeast(ref start[r], 2); // both threads call Signal at the same moment
                try
                {
                    latches[r].Signal();
                    accepted[t, r] = 1;
                }
                catch (InvalidOperationException)
                {
                }
            }
        });
        for (int r = 0; r < rounds; r++)
        {
            int count = latches[r].CurrentCount;
            Check.That(count >= 0, FindingKind.Invariant, $"A latch of 1 signalled by two threads at once ended with CurrentCount {count}: Signal must throw instead of going below zero");
            Check.Equal(1, accepted[0, r] + accepted[1, r], FindingKind.Invariant,
                "Two threads signalled a latch of 1 at the same moment: exactly one Signal must succeed and the other must throw InvalidOperationException");
            Check.Equal(0, count, FindingKind.LostUpdate, "After its one accepted Signal, a latch of 1 must be at zero");
        }
    }

    [KataTest(Description = "Two threads signal a latch of 1 at the same moment (one of them is refused) while a third reads CurrentCount: it never sees the count below zero, not even for a moment.")]
    public static void RefusedSignalIsNeverSeen()
    {
        int rounds = Scale(300, 1);
        int reads = Scale(50, 3);
        var latches = new CountdownLatch[rounds];
        for (int r = 0; r < rounds; r++) latches[r] = new CountdownLatch(1);
        var start = new int[rounds];
        Concurrent.Run(3, t =>
        {
            var pacer = new Pacer();
            for (int r = 0; r < rounds; r++)
            {
                Interlocked.Increment(ref start[r]);
                pacer.AwaitAtLeast(ref start[r], 3); // the two Signals and the reads start at the same moment
                if (t < 2)
                {
                    try { latches[r].Signal(); }
                    catch (InvalidOperationException) { }
                    continue;
                }

                for (int i = 0; i < reads; i++)
                {
                    int count = latches[r].CurrentCount;
                    Check.That(count >= 0, FindingKind.Invariant,
                        $"CurrentCount read {count} while two Signals raced for the last step of a latch of 1: a refused Signal must change nothing, the count never goes below zero");
                }
            }
        });
    }

    [KataTest(Description = "One thread calls Wait at the very moment another gives the last Signal, round after round: the waiter always gets through.")]
    public static void WaitRacingTheLastSignal()
    {
        int rounds = Scale(300, 1);
        var latches = new CountdownLatch[rounds];
        for (int r = 0; r < rounds; r++) latches[r] = new CountdownLatch(1);
        var start = new int[rounds];
        Concurrent.Run(2, t =>
        {
            var pacer = new Pacer();
            for (int r = 0; r < rounds; r++)
            {
                Interlocked.Increment(ref start[r]);
                pacer.AwaitAtLeast(ref start[r], 2); // Wait and the last Signal start at the same moment
                if (t == 0)
                {
                    latches[r].Signal();
                }
                else if (r % 2 == 0)
                {
                    latches[r].Wait();
                    Check.Equal(0, latches[r].CurrentCount, FindingKind.Invariant, "Wait returned while the count was not zero");
                }
                else
                {
                    Check.That(latches[r].Wait(TimeSpan.FromMinutes(1)), FindingKind.Invariant,
                        "Wait(1 minute) returned false, but the latch reached zero at once");
                }
            }
        });
    }

    [KataTest(Description = "Three threads wait on a latch while a fourth signals it, round after round: every waiter is released, and only once the count has reached zero.")]
    public static void AllWaitersReleasedAtZero()
    {
        const int waiters = 3;
        int rounds = Scale(60, 1);
        var latches = new CountdownLatch[rounds];
        for (int r = 0; r < rounds; r++) latches[r] = new CountdownLatch(2);
        var arrived = new int[rounds];   // waiters about to call Wait
        var lastSignal = new int[rounds]; // 1 once the signaller has started the last Signal
        Concurrent.Run(waiters + 1, t =>
        {
            var pacer = new Pacer();
            for (int r = 0; r < rounds; r++)
            {
                var latch = latches[r];
                if (t == waiters)
                {
                    // The signaller: first Signal, then the last one, which meets the waiters
                    // settled in Wait (one round in three), arriving (one in three) or not there yet.
                    latch.Signal();
                    if (r % 3 == 0) { pacer.AwaitAtLeast(ref arrived[r], waiters); pacer.Pause(1_000); }
                    else if (r % 3 == 1) pacer.AwaitAtLeast(ref arrived[r], waiters - 1);
                    Volatile.Write(ref lastSignal[r], 1);
                    latch.Signal();
                    continue;
                }

                Interlocked.Increment(ref arrived[r]);
                if (t == 0)
                {
                    bool opened = latch.Wait(TimeSpan.FromMinutes(1));
                    Check.That(opened, FindingKind.Invariant, "Wait(1 minute) returned false, but the latch reached zero within milliseconds");
                }
                else
                {
                    latch.Wait();
                }

                Check.That(Volatile.Read(ref lastSignal[r]) == 1, FindingKind.Invariant,
                    "A waiter was released before the last Signal had even started: Wait must return only once the count reaches zero");
                int count = latch.CurrentCount;
                Check.Equal(0, count, FindingKind.Invariant, "A waiter was released while the count was not yet zero");
            }
        });
    }

    [KataTest(Description = "Wait(timeout) gives up on a closed latch (at once, then after sleeping) while two other threads wait, then gives the last Signal: the time-outs change nothing, and both waiters are released.")]
    public static void TimedOutWaitLeavesNoTrace()
    {
        int rounds = Scale(40, 1);
        var latches = new CountdownLatch[rounds];
        for (int r = 0; r < rounds; r++) latches[r] = new CountdownLatch(1);

        // Nobody signals a latch before its time-outs: both timed waits must give up, while the
        // other threads may already wait (under the explorer the 1 ms passes on its virtual clock).
        void TimeOut(CountdownLatch latch)
        {
            Check.Equal(false, latch.Wait(TimeSpan.Zero), FindingKind.Invariant,
                "Wait(TimeSpan.Zero) returned true on a latch still at 1");
            Check.Equal(false, latch.Wait(TimeSpan.FromMilliseconds(1)), FindingKind.Invariant,
                "Wait(1 ms) returned true on a latch still at 1 that nobody had signalled");
        }

        Concurrent.Run(3, t =>
        {
            for (int r = 0; r < rounds; r++)
            {
                var latch = latches[r];
                if (t == 0)
                {
                    TimeOut(latch);
                    latch.Signal(); // the last Signal, after the timed-out waits
                }
                else if (t == 1)
                {
                    latch.Wait();
                    Check.Equal(0, latch.CurrentCount, FindingKind.Invariant, "Wait returned while the count was not zero");
                }
                else
                {
                    Check.That(latch.Wait(TimeSpan.FromMinutes(1)), FindingKind.Invariant,
                        "Wait(1 minute) returned false, but the latch reached zero within milliseconds");
                }
            }
        });
    }
}
