using System.Threading;
using System.Threading.Tasks;
using KataServer.Testing;

namespace KataTests;

public static class ParallelMapBenchmarks
{
    [KataBenchmark(Description = "Every thread maps lists of about 1,000 items, a few at a time, with bodies that complete at once; every item must be mapped once, in order", OperationsPerThread = 100_000)]
    public static void ManySmallBodies(int threads, int operationsPerThread)
    {
        // The list, the limit and the results change from grade to grade, and the work is checked: a call that skips
        // items, maps one twice or returns wrong results is a finding, never a score.
        var items = new int[TestData.Int(800, 1_200)];
        var first = TestData.Int(-1_000_000, 1_000_000);
        for (var i = 0; i < items.Length; i++) items[i] = first + i;
        var limit = TestData.Int(2, 6);
        var salt = TestData.Int(1, 1_000);
        Concurrent.Run(threads, _ =>
        {
            for (var done = 0; done < operationsPerThread; done += items.Length)
            {
                var calls = 0;
                var results = ParallelMap.MapAsync(items, limit, (x, ct) =>
                {
                    Interlocked.Increment(ref calls);
                    return Task.FromResult(x * 2 + salt);
                }).GetAwaiter().GetResult();
                if (calls != items.Length)
                    Check.Fail(FindingKind.Invariant, $"MapAsync of {items.Length} items called the body {calls} times: every item must be mapped exactly once");
                if (results.Length != items.Length)
                    Check.Fail(FindingKind.Invariant, $"MapAsync of {items.Length} items returned {results.Length} results");
                for (var i = 0; i < results.Length; i++)
                {
                    if (results[i] != items[i] * 2 + salt)
                        Check.Fail(FindingKind.Invariant, $"result[{i}] is {results[i]}, but the body's result for items[{i}] = {items[i]} is {items[i] * 2 + salt}");
                }
            }
        });
    }
}
