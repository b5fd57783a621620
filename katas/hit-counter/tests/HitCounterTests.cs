using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class HitCounterTests
{
    // Real threads need many operations per iteration for a race to show; the schedule explorer
    // needs few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    [KataTest(Description = "Increments made one after another are all counted.")]
    public static void CountsSequentialHits()
    {
        var counter = new HitCounter();
        Check.Equal(0L, counter.Total, FindingKind.Assertion, "A new counter must start at zero");
        int hits = TestData.Int(3, 12); // changes from grade to grade
        for (int i = 1; i <= hits; i++)
        {
            counter.Increment();
            Check.Equal((long)i, counter.Total, FindingKind.Assertion, $"After {i} increments on one thread, Total is wrong");
        }
    }

    [KataTest(Description = "Several threads increment at the same time: once they have all returned, Total counts every hit.")]
    public static void NoLostIncrementsUnderContention()
    {
        // Sizes change from grade to grade (TestData), so no count can be special-cased.
        int threads = OnRealThreads ? TestData.Int(3, 6) : 4;
        int perThread = OnRealThreads ? TestData.Int(3_000, 8_000) : TestData.Int(2, 3);
        var counter = new HitCounter();
        Concurrent.Run(threads, _ =>
        {
            for (int i = 0; i < perThread; i++)
            {
                counter.Increment();
                Concurrent.OperationDone();
            }
        });
        Check.Equal((long)threads * perThread, counter.Total, FindingKind.LostUpdate,
            $"{threads} threads each called Increment {perThread} times; once they had all returned, Total should count every hit");
    }

    [KataTest(Description = "Hits counted by threads that have finished are visible to a thread that starts later.")]
    public static void TotalSeesHitsOfOtherThreads()
    {
        int perThread = OnRealThreads ? TestData.Int(500, 2_000) : 2;
        var counter = new HitCounter();
        long seen = -1;
        Concurrent.Run(
            () => { for (int i = 0; i < perThread; i++) { counter.Increment(); Concurrent.OperationDone(); } },
            () => { for (int i = 0; i < perThread; i++) { counter.Increment(); Concurrent.OperationDone(); } });
        Concurrent.Run(() => seen = counter.Total);
        Check.Equal(2L * perThread, seen, FindingKind.LostUpdate,
            $"Two threads each counted {perThread} hits and returned; another thread then read Total");
    }

    [KataTest(Description = "Once every increment has returned, threads reading Total at the same time all see every hit.")]
    public static void ConcurrentReadersSeeEveryHit()
    {
        int perThread = OnRealThreads ? TestData.Int(500, 2_000) : 2;
        var counter = new HitCounter();
        Concurrent.Run(
            () => { for (int i = 0; i < perThread; i++) { counter.Increment(); Concurrent.OperationDone(); } },
            () => { for (int i = 0; i < perThread; i++) { counter.Increment(); Concurrent.OperationDone(); } });
        var seen = new long[3];
        Concurrent.Run(3, reader => seen[reader] = counter.Total);
        for (int reader = 0; reader < seen.Length; reader++)
            Check.Equal(2L * perThread, seen[reader], FindingKind.LostUpdate,
                $"Two threads each counted {perThread} hits and returned; then three threads read Total at the same time, and reader {reader + 1} got a different answer");
    }
}
