using System;
using System.Diagnostics;
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
    /// Marks an operation on the latch, so that the runner can see whether the test's threads really overlapped. Only on
    /// real threads: with the explorer's few rounds, waiters can only return after the signaller's last step, so no
    /// thread could ever see another complete an operation between two of its own.
    /// </summary>
    private static void Done()
    {
        if (OnRealThreads) Concurrent.OperationDone();
    }

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
        // The count changes from grade to grade: the code cannot recognise the test by it.
        int initial = TestData.Int(2, 9);
        var latch = new CountdownLatch(initial);
        Check.Equal(initial, latch.CurrentCount, FindingKind.Assertion, "A new latch must show its initial count");
        Check.Equal(false, latch.Wait(TimeSpan.Zero), FindingKind.Assertion, $"Wait(TimeSpan.Zero) on a latch at {initial} must return false");
        Check.Equal(false, latch.Wait(TimeSpan.FromMilliseconds(2)), FindingKind.Assertion, "Wait(2 ms) on a latch that nobody signals must time out and return false");
        for (int left = initial - 1; left > 0; left--)
        {
            latch.Signal();
            Check.Equal(left, latch.CurrentCount, FindingKind.Assertion, $"After {initial - left} Signals on a latch of {initial}, CurrentCount is wrong");
        }

        Check.Equal(false, latch.Wait(TimeSpan.Zero), FindingKind.Assertion, "Wait(TimeSpan.Zero) on a latch at 1 must return false");
        latch.Signal();
        Check.Equal(0, latch.CurrentCount, FindingKind.Assertion, $"After {initial} Signals on a latch of {initial}, CurrentCount must be 0");
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
        int perThread = OnRealThreads ? TestData.Int(1_500, 2_500) : 1;
        var latch = new CountdownLatch(threads * perThread);
        Concurrent.Run(threads, _ =>
        {
            for (int i = 0; i < perThread; i++)
            {
                latch.Signal();
                Done();
            }
        });
        int left = latch.CurrentCount;
        Check.Equal(0, left, FindingKind.LostUpdate,
            $"{threads} threads each called Signal {perThread} times on a latch of {threads * perThread}; the count should have reached zero");
        latch.Wait();
    }

    [KataTest(Description = "Two threads signal the same latch of 1 at the same moment, round after round: exactly one Signal succeeds, the other throws InvalidOperationException, and the count never goes below zero.")]
    public static void ExactlyCountSignalsSucceed()
    {
        int rounds = OnRealThreads ? TestData.Int(200, 400) : 1;
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

                Done();
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
        int rounds = OnRealThreads ? TestData.Int(200, 400) : 1;
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
                    Done();
                    continue;
                }

                for (int i = 0; i < reads; i++)
                {
                    int count = latches[r].CurrentCount;
                    Done();
                    Check.That(count >= 0, FindingKind.Invariant,
                        $"CurrentCount read {count} while two Signals raced for the last step of a latch of 1: a refused Signal must change nothing, the count never goes below zero");
                }
            }
        });
    }

    [KataTest(Description = "One thread calls Wait at the very moment another gives the last Signal, round after round: the waiter always gets through.")]
    public static void WaitRacingTheLastSignal()
    {
        int rounds = OnRealThreads ? TestData.Int(200, 400) : 1;
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

                Done();
            }
        });
    }

    [KataTest(Description = "Three threads wait on a latch while a fourth signals it, round after round: every waiter is released, and only once the count has reached zero.")]
    public static void AllWaitersReleasedAtZero()
    {
        const int waiters = 3;
        int rounds = OnRealThreads ? TestData.Int(40, 80) : 1;
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
                    Done();
                    if (r % 3 == 0) { pacer.AwaitAtLeast(ref arrived[r], waiters); pacer.Pause(1_000); }
                    else if (r % 3 == 1) pacer.AwaitAtLeast(ref arrived[r], waiters - 1);
                    Volatile.Write(ref lastSignal[r], 1);
                    latch.Signal();
                    Done();
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

                Done();
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
        int rounds = OnRealThreads ? TestData.Int(30, 50) : 1;
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

                Done();
            }
        });
    }

    [KataTest(Description = "Wait(timeout) on a latch of 1 while another thread gives the last Signal around the deadline: a Signal that returned before the time ran out means true, even for a waiter that runs again only after its deadline, and false comes only after the whole timeout.")]
    public static void TimedWaitRacingTheLastSignal()
    {
        int rounds = OnRealThreads ? TestData.Int(20, 40) : 1;
        int timeoutMs = TestData.Int(1, 3);
        long timeoutTicks = timeoutMs * Stopwatch.Frequency / 1_000;
        // On real threads the latch's timers and the test's clock readings may differ a little: claims need 1 ms more.
        // Under the explorer time is virtual and exact.
        long slack = OnRealThreads ? Stopwatch.Frequency / 1_000 : 0;
        var latches = new CountdownLatch[rounds];
        for (int r = 0; r < rounds; r++) latches[r] = new CountdownLatch(1);
        var start = new int[rounds];
        var waitStarted = new long[rounds];
        var waitEnded = new long[rounds];
        var signalled = new long[rounds]; // when the last Signal had returned
        var opened = new bool[rounds];
        Concurrent.Run(2, t =>
        {
            var pacer = new Pacer();
            for (int r = 0; r < rounds; r++)
            {
                Interlocked.Increment(ref start[r]);
                pacer.AwaitAtLeast(ref start[r], 2); // both start the round together
                if (t == 0)
                {
                    waitStarted[r] = Stopwatch.GetTimestamp();
                    opened[r] = latches[r].Wait(TimeSpan.FromMilliseconds(timeoutMs));
                    waitEnded[r] = Stopwatch.GetTimestamp();
                    continue;
                }

                // On real threads the last Signal comes at 0, 1/4, 1/2, 3/4 or all of the timeout after the round starts.
                long from = Stopwatch.GetTimestamp(), delay = r % 5 * timeoutTicks / 4;
                while (OnRealThreads && Stopwatch.GetTimestamp() - from < delay) Thread.SpinWait(10);
                latches[r].Signal();
                signalled[r] = Stopwatch.GetTimestamp();
                // Under the explorer this sleep lets the clock pass the waiter's deadline before the woken waiter runs again.
                if (!OnRealThreads) Thread.Sleep(timeoutMs + 1);
            }
        });

        static string Ms(long ticks) => $"{ticks * 1_000.0 / Stopwatch.Frequency:0.###} ms";
        for (int r = 0; r < rounds; r++)
        {
            Check.Equal(0, latches[r].CurrentCount, FindingKind.Invariant, "A latch of 1 was signalled once: CurrentCount must be 0");
            if (opened[r]) continue;
            Check.That(signalled[r] - waitStarted[r] >= timeoutTicks - slack, FindingKind.Invariant,
                $"The last Signal had returned {Ms(signalled[r] - waitStarted[r])} after Wait({timeoutMs} ms) started, before its time ran out, yet Wait returned false: " +
                "a latch that opened before the deadline must give true, even to a waiter that runs again only after the deadline (look at the count before the clock)");
            Check.That(OnRealThreads || waitEnded[r] - waitStarted[r] >= timeoutTicks, FindingKind.Invariant,
                $"Wait({timeoutMs} ms) returned false after {Ms(waitEnded[r] - waitStarted[r])}: it must not give up before its timeout has passed");
        }
    }
}
