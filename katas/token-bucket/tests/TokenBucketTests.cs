using System;
using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class TokenBucketTests
{
    // Real threads need many operations per iteration for a race to show; the schedule explorer
    // needs few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    /// <summary>A clock that only moves when the test says so. Timestamps are nanoseconds.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public const long Frequency = 1_000_000_000;
        private static readonly DateTimeOffset Epoch = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private const long Origin = 5_000_000_000_000; // an arbitrary non-zero starting timestamp
        private long elapsed; // nanoseconds since Origin

        public override long TimestampFrequency => Frequency;

        public override long GetTimestamp() => Origin + Volatile.Read(ref elapsed);

        public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(Volatile.Read(ref elapsed) / 100);

        public long Now => Volatile.Read(ref elapsed);

        public void Advance(TimeSpan by) => Interlocked.Add(ref elapsed, by.Ticks * 100);
    }

    [KataTest(Description = "On one thread: the bucket starts full, refills at its rate as the clock moves, and never holds more than its capacity.")]
    public static void SequentialRules()
    {
        var time = new ManualTime();
        var bucket = new TokenBucket(5, 2, time);
        Check.Equal(5L, bucket.Available, FindingKind.Assertion, "A new bucket must start full");
        Check.Equal(true, bucket.TryTake(3), FindingKind.Assertion, "TryTake(3) from a full bucket of 5 must succeed");
        Check.Equal(true, bucket.TryTake(), FindingKind.Assertion, "TryTake() with 2 tokens left must succeed");
        Check.Equal(false, bucket.TryTake(2), FindingKind.Assertion, "TryTake(2) with 1 token left must fail (all or nothing)");
        Check.Equal(true, bucket.TryTake(1), FindingKind.Assertion, "TryTake(1) with 1 token left must succeed");
        Check.Equal(false, bucket.TryTake(), FindingKind.Assertion, "TryTake() on an empty bucket whose clock has not moved must fail");
        Check.Equal(0L, bucket.Available, FindingKind.Assertion, "The bucket was emptied and the clock has not moved: Available must be 0");

        time.Advance(TimeSpan.FromMilliseconds(499));
        Check.Equal(false, bucket.TryTake(), FindingKind.Invariant, "At 2 tokens per second, 499 ms refill less than one token: TryTake must fail");

        time.Advance(TimeSpan.FromMilliseconds(501));
        long refilled = bucket.Available;
        Check.That(refilled <= 2, FindingKind.Invariant, $"At 2 tokens per second, one second refills at most 2 tokens, but Available is {refilled}");
        Check.That(refilled >= 1, FindingKind.Assertion, $"At 2 tokens per second, one second after the bucket was emptied Available is {refilled}: the bucket must refill as the clock moves");

        time.Advance(TimeSpan.FromHours(1));
        long afterIdle = bucket.Available;
        Check.That(afterIdle <= 5, FindingKind.Invariant, $"After an idle hour the bucket holds {afterIdle} tokens, but its capacity is 5");
        Check.Equal(5L, afterIdle, FindingKind.Assertion, "After an idle hour the bucket must be full again");
        Check.Equal(true, bucket.TryTake(5), FindingKind.Assertion, "TryTake(5) from a full bucket of 5 must succeed");
        Check.Equal(false, bucket.TryTake(), FindingKind.Invariant, "The bucket has just been emptied and its clock has not moved: TryTake must fail");
    }

    [KataTest(Description = "Bursts of concurrent callers at fixed moments of a manual clock: over every interval, the tokens granted never exceed capacity + rate x elapsed.")]
    public static void BurstsNeverExceedTheRate()
    {
        long capacity = OnRealThreads ? 2_000 : 3;
        long rate = OnRealThreads ? 100_000 : 1_000;
        int threads = OnRealThreads ? 3 : 2;
        // The clock moves by these steps (ms) between bursts; it stands still during a burst.
        int[] steps = OnRealThreads ? new[] { 0, 5, 0, 1, 40, 0, 2, 1_000, 0, 3 } : new[] { 0, 1 };
        var time = new ManualTime();
        var bucket = new TokenBucket(capacity, rate, time);
        var at = new long[steps.Length];
        var granted = new long[steps.Length];
        for (int p = 0; p < steps.Length; p++)
        {
            time.Advance(TimeSpan.FromMilliseconds(steps[p]));
            at[p] = time.Now;
            var mine = new long[threads];
            Concurrent.Run(threads, t =>
            {
                int refusals = 0;
                for (int i = 0; refusals < 4 && i < 10_000; i++)
                {
                    long want = 1 + (i + t) % 3;
                    if (bucket.TryTake(want)) { mine[t] += want; refusals = 0; }
                    else refusals++;
                }
            });
            foreach (long m in mine) granted[p] += m;
        }

        for (int first = 0; first < steps.Length; first++)
        {
            long sum = 0;
            for (int last = first; last < steps.Length; last++)
            {
                sum += granted[last];
                long elapsedNs = at[last] - at[first];
                Int128 limitTimesFrequency = (Int128)capacity * ManualTime.Frequency + (Int128)rate * elapsedNs;
                Check.That((Int128)sum * ManualTime.Frequency <= limitTimesFrequency, FindingKind.Invariant,
                    $"Between {at[first] / 1_000_000} ms and {at[last] / 1_000_000} ms on the bucket's clock, {sum} tokens were granted, " +
                    $"but a bucket of capacity {capacity} refilling {rate} per second may grant at most {capacity} + {rate} x {elapsedNs / 1e9:0.###} s");
            }
        }
    }

    [KataTest(Description = "Two callers keep draining the bucket while the clock moves forward one millisecond at a time: in total, no more than capacity + rate x elapsed tokens are granted.")]
    public static void ClockMovingUnderLoad()
    {
        long capacity = OnRealThreads ? 20 : 2;
        const long rate = 10_000; // 10 tokens per millisecond
        int rounds = OnRealThreads ? 200 : 2;
        var time = new ManualTime();
        var bucket = new TokenBucket(capacity, rate, time);
        var mine = new long[2];
        var ticked = new int[rounds]; // 1 once the clock has moved for this round
        var finished = new int[rounds]; // callers done with this round
        Concurrent.Run(2, t =>
        {
            var pacer = new Pacer();
            for (int r = 0; r < rounds; r++)
            {
                if (t == 0)
                {
                    time.Advance(TimeSpan.FromMilliseconds(1));
                    Volatile.Write(ref ticked[r], 1);
                }
                else
                {
                    pacer.AwaitAtLeast(ref ticked[r], 1); // both callers meet the fresh tokens together
                }

                for (int i = 0; i < 4; i++)
                {
                    long want = 1 + ((i + t) & 1);
                    if (bucket.TryTake(want)) mine[t] += want;
                }

                Interlocked.Increment(ref finished[r]);
                pacer.AwaitAtLeast(ref finished[r], 2);
            }
        });
        long total = mine[0] + mine[1];
        long limit = capacity + rate * rounds / 1_000;
        Check.That(total <= limit, FindingKind.Invariant,
            $"{total} tokens were granted while the clock moved {rounds} ms, but a bucket of capacity {capacity} refilling {rate} per second may grant at most {limit}");
    }

    [KataTest(Description = "On one thread: a bucket that sits full earns nothing while it waits, so after an idle hour it grants its capacity and no more.")]
    public static void FullBucketSavesNothing()
    {
        var time = new ManualTime();
        var bucket = new TokenBucket(5, 2, time);
        time.Advance(TimeSpan.FromHours(1));
        long granted = 0;
        while (granted <= 10 && bucket.TryTake()) granted++;
        Check.That(granted <= 5, FindingKind.Invariant,
            $"A bucket of capacity 5 that sat full for an hour granted {granted} tokens at one instant: a full bucket must not save up refill while it waits");
        Check.Equal(5L, granted, FindingKind.Assertion, "A full bucket of capacity 5 must grant 5 tokens");
    }

    [KataTest(Description = "On one thread: the clock moves in steps shorter than one token's time and each step takes what is there: the fractions earned between calls add up, so over time the bucket grants the tokens its rate earned.")]
    public static void FractionsCarryOver()
    {
        long capacity = TestData.Int(2, 5); // at least 2: taken at every step, the bucket never fills, so no fraction is capped away
        long rate = TestData.Pick(1L, 2L, 4L, 5L, 10L);
        int tenths = TestData.Pick(3, 6, 7, 9); // each step earns tenths/10 of a token
        int stepMs = (int)(1_000 / rate * tenths / 10); // exact for these rates
        int steps = 10 * TestData.Int(6, 9) / tenths + 1;
        var time = new ManualTime();
        var bucket = new TokenBucket(capacity, rate, time);
        while (bucket.TryTake()) { } // drained at the start: nothing earned yet, no fraction carried
        long granted = 0;
        for (int k = 1; k <= steps; k++)
        {
            time.Advance(TimeSpan.FromMilliseconds(stepMs));
            if (k % 2 == 1) _ = bucket.Available; // a refill through Available must carry the fraction too
            for (int i = 0; i <= capacity && bucket.TryTake(); i++) granted++;

            // Exactly k x tenths / 10 tokens were earned by now. A bucket that carries fractions grants
            // the whole ones; allow one token less for a bucket that rounds its arithmetic (double
            // tokens, a credited moment rounded up to the clock's tick) right at a token's boundary.
            long earned = k * tenths / 10;
            Check.That(granted >= earned - 1, FindingKind.Assertion,
                $"A drained bucket (capacity {capacity}, {rate} per second) was called every {stepMs} ms, {tenths}/10 of a token's time; " +
                $"after {k} calls ({k * stepMs} ms) it had earned {earned} whole tokens but granted {granted}: " +
                "the part of a token earned since the last call must carry over to the next one, or a bucket called often never refills");
            Check.That(granted <= earned, FindingKind.Invariant,
                $"A drained bucket ({rate} per second) granted {granted} tokens in {k * stepMs} ms, but it had earned only {earned}");
        }
    }

    [KataTest(Description = "The clock jumps further than a drained bucket needs to refill, then callers take at once: the refill is capped at capacity before any of it can be taken.")]
    public static void RefillPastCapacityUnderLoad()
    {
        long capacity = OnRealThreads ? 50 : 3;
        const long rate = 1_000; // one token per millisecond
        int rounds = OnRealThreads ? 40 : 1;
        int threads = OnRealThreads ? 3 : 2;
        var time = new ManualTime();
        var bucket = new TokenBucket(capacity, rate, time);
        for (int r = 0; r < rounds; r++)
        {
            while (bucket.TryTake()) { }
            time.Advance(TimeSpan.FromMilliseconds(10 * capacity)); // earns ten times the capacity
            var mine = new long[threads];
            Concurrent.Run(threads, t =>
            {
                for (long i = 0; i <= capacity; i++)
                {
                    if (bucket.TryTake()) mine[t]++;
                }
            });
            long total = 0;
            foreach (long m in mine) total += m;
            Check.That(total <= capacity, FindingKind.Invariant,
                $"{total} tokens were granted at one instant of the clock, but a bucket of capacity {capacity} may grant at most {capacity} at once, however long it waited");
        }
    }

    [KataTest(Description = "The clock moves while callers are in the middle of TryTake and Available on a drained bucket: a call that read the clock before it moved must not let the same stretch of time be credited twice.")]
    public static void ClockMovesDuringCalls()
    {
        long capacity = OnRealThreads ? 40 : 8;
        const long rate = 1_000; // one token per millisecond
        int stepMs = OnRealThreads ? 4 : 2; // each step earns less than the capacity
        int steps = OnRealThreads ? 60 : 1;
        int calls = OnRealThreads ? 2 * stepMs + 2 : stepMs + 1;
        var time = new ManualTime();
        var bucket = new TokenBucket(capacity, rate, time);
        while (bucket.TryTake()) { } // drained at the start of the interval
        long start = time.Now;
        var mine = new long[2];
        var moved = new int[1];
        Concurrent.Run(3, t =>
        {
            if (t == 2)
            {
                for (int s = 0; s < steps; s++)
                {
                    time.Advance(TimeSpan.FromMilliseconds(stepMs));
                    Volatile.Write(ref moved[0], s + 1);
                    if (OnRealThreads) Thread.SpinWait(200);
                }

                return;
            }

            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < calls; i++)
                {
                    if (t == 1 && i == 0) _ = bucket.Available;
                    else if (bucket.TryTake()) mine[t]++;
                }

                if (OnRealThreads && Volatile.Read(ref moved[0]) >= steps) break;
            }
        });
        long end = time.Now;
        long total = mine[0] + mine[1];
        // The bucket granted its capacity at `start` (the drain), so over [start, end] the rule
        // capacity + rate x elapsed leaves rate x elapsed for the callers.
        long limit = rate * (end - start) / ManualTime.Frequency;
        Check.That(total <= limit, FindingKind.Invariant,
            $"A drained bucket granted {total} tokens while the clock moved {(end - start) / 1_000_000} ms, but refilling {rate} per second it may grant at most {limit} in that time " +
            $"(capacity {capacity} + rate x elapsed, and the capacity was taken at the start): a call that read the clock before it moved must not let the same time be credited twice");
    }

    [KataTest(Description = "A bucket holds 1 token; one caller asks for 2 (refused: all or nothing), another asks for 1, and the clock jumps far enough to fill the bucket: a refused TryTake takes nothing, not even for a moment, so the caller asking for 1 gets its token and the bucket never holds more than its capacity.")]
    public static void RefusedTakeTakesNothing()
    {
        const long capacity = 3;
        const long rate = 1_000; // one token per millisecond: a jump of 1 s fills the bucket many times over
        int buckets = OnRealThreads ? 200 : 1;
        int asks = OnRealThreads ? 3 : 1;
        var times = new ManualTime[buckets];
        var bucket = new TokenBucket[buckets];
        for (int k = 0; k < buckets; k++)
        {
            times[k] = new ManualTime();
            bucket[k] = new TokenBucket(capacity, rate, times[k]);
            Check.Equal(true, bucket[k].TryTake(capacity - 1), FindingKind.Assertion, $"TryTake({capacity - 1}) from a full bucket of {capacity} must succeed");
        }

        Concurrent.Run(
            () =>
            {
                // Before the jump only 1 token is there, so these are refused; after it, one may succeed.
                for (int k = 0; k < buckets; k++)
                    for (int i = 0; i < asks; i++) bucket[k].TryTake(2);
            },
            () =>
            {
                // Before the jump the 1 token stays there (the other caller can only take 2, which it cannot);
                // after it the bucket fills to 3 and the other caller takes at most 2. Either way a token is left.
                for (int k = 0; k < buckets; k++)
                    Check.Equal(true, bucket[k].TryTake(1), FindingKind.Invariant,
                        "The bucket held 1 token and the only other caller asked for 2 (refused while 1 token is there, and it leaves at least 1 once the clock has moved), yet TryTake(1) was refused: " +
                        "a refused TryTake must take nothing, not even for a moment");
            },
            () =>
            {
                for (int k = 0; k < buckets; k++)
                {
                    times[k].Advance(TimeSpan.FromSeconds(1));
                    long seen = bucket[k].Available;
                    Check.That(seen <= capacity, FindingKind.Invariant,
                        $"Available returned {seen}, but the bucket's capacity is {capacity}");
                }
            });
        for (int k = 0; k < buckets; k++)
        {
            long left = bucket[k].Available;
            Check.That(left <= capacity, FindingKind.Invariant,
                $"After the clock jumped while a TryTake(2) was being refused, the bucket holds {left} tokens, but its capacity is {capacity}: " +
                "a refused TryTake that gives back tokens it took for a moment can lift a bucket that a refill has just filled above its capacity");
        }
    }

    [KataTest(Description = "The clock of a drained bucket moves by two and a half tokens' time while two callers take one token each: a call that starts after the move sees the tokens it earned, even while the other caller is in the middle of refilling.")]
    public static void CallAfterTheMoveSeesIt()
    {
        long capacity = TestData.Int(3, 6);
        const long rate = 1_000; // one token per millisecond: the move earns 2.5 tokens
        int buckets = OnRealThreads ? TestData.Int(150, 250) : 1;
        var times = new ManualTime[buckets];
        var bucket = new TokenBucket[buckets];
        for (int k = 0; k < buckets; k++)
        {
            times[k] = new ManualTime();
            bucket[k] = new TokenBucket(capacity, rate, times[k]);
            while (bucket[k].TryTake()) { } // drained: nothing earned yet
        }

        var moved = new int[buckets];
        var sawMove = new bool[2, buckets];
        var granted = new bool[2, buckets];
        void Take(int t)
        {
            for (int k = 0; k < buckets; k++)
            {
                sawMove[t, k] = Volatile.Read(ref moved[k]) == 1; // the move had happened before this call started
                granted[t, k] = bucket[k].TryTake();
            }
        }

        Concurrent.Run(
            () =>
            {
                for (int k = 0; k < buckets; k++)
                {
                    times[k].Advance(TimeSpan.FromMicroseconds(2_500));
                    Volatile.Write(ref moved[k], 1);
                }
            },
            () => Take(0),
            () => Take(1));
        for (int k = 0; k < buckets; k++)
            for (int t = 0; t < 2; t++)
                Check.That(!sawMove[t, k] || granted[t, k], FindingKind.Assertion,
                    $"A drained bucket's clock moved by 2.5 tokens' time ({rate} per second, 2.5 ms) before a TryTake() started, and only one other caller took a token, yet TryTake() returned false: " +
                    "a call that starts after the clock moved must see the tokens the move earned, even while another call is in the middle of refilling");
    }

    /// <summary>
    /// On real threads, lets a thread wait (spinning, bounded) for another to reach a point, so
    /// that the two meet there. The total spinning per thread is bounded (about 30 ms), so a
    /// stuck partner cannot keep it busy. Under the explorer it does nothing.
    /// </summary>
    private sealed class Pacer
    {
        private int budget = 600_000;

        public void AwaitAtLeast(ref int value, int target)
        {
            if (!OnRealThreads) return;
            while (budget > 0 && Volatile.Read(ref value) < target)
            {
                budget--;
                Thread.SpinWait(1);
            }
        }
    }
}
