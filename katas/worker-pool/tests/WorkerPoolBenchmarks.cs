using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class WorkerPoolBenchmarks
{
    [KataBenchmark(Description = "Every thread enqueues tiny jobs into one pool of 2 to 4 workers, then the pool shuts down; every job must have run", OperationsPerThread = 50_000)]
    public static void TinyJobs(int threads, int operationsPerThread)
    {
        // The pool's size changes from grade to grade, and the work is checked: jobs that did not all run are a
        // finding, never a score.
        var pool = new WorkerPool(TestData.Int(2, 4));
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
