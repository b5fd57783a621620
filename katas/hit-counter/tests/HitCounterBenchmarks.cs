using KataServer.Testing;

namespace KataTests;

public static class HitCounterBenchmarks
{
    [KataBenchmark(Description = "Every thread hammers one shared counter", OperationsPerThread = 200_000)]
    public static void HitsUnderContention(int threads, int operationsPerThread)
    {
        var counter = new HitCounter();
        Concurrent.Run(threads, _ =>
        {
            for (var i = 0; i < operationsPerThread; i++) counter.Increment();
        });
        Check.Equal((long)threads * operationsPerThread, counter.Total, FindingKind.LostUpdate, "every hit must be counted");
    }
}
