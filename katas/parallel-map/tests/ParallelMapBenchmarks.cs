using System.Threading.Tasks;
using KataServer.Testing;

namespace KataTests;

public static class ParallelMapBenchmarks
{
    [KataBenchmark(Description = "Every thread maps lists of 1,000 items, at most 4 at a time, with bodies that complete at once", OperationsPerThread = 100_000)]
    public static void ManySmallBodies(int threads, int operationsPerThread)
    {
        var items = new int[1_000];
        for (var i = 0; i < items.Length; i++) items[i] = i;
        Concurrent.Run(threads, _ =>
        {
            for (var done = 0; done < operationsPerThread; done += items.Length)
            {
                var results = ParallelMap.MapAsync(items, 4, (x, ct) => Task.FromResult(x * 2)).GetAwaiter().GetResult();
                Check.Equal(2 * (items.Length - 1), results[items.Length - 1], FindingKind.Assertion, "result[i] must be the body's result for items[i]");
            }
        });
    }
}
