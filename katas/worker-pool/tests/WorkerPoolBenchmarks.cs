using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class WorkerPoolBenchmarks
{
    [KataBenchmark(Description = "Every thread enqueues tiny jobs into one pool of 2 workers, then the pool shuts down", OperationsPerThread = 50_000)]
    public static void TinyJobs(int threads, int operationsPerThread)
    {
        var pool = new WorkerPool(2);
        long ran = 0;
        System.Action job = () => Interlocked.Increment(ref ran);
        Concurrent.Run(threads, _ =>
        {
            for (int i = 0; i < operationsPerThread; i++) pool.TryEnqueue(job);
        });
        pool.Shutdown();
        Check.Equal((long)threads * operationsPerThread, Interlocked.Read(ref ran), FindingKind.Invariant, "every accepted job must run");
    }
}
