using KataServer.Testing;

namespace KataTests;

public static class LockFreeQueueBenchmarks
{
    [KataBenchmark(Description = "Every thread enqueues one item then dequeues one, over and over", OperationsPerThread = 100_000)]
    public static void EnqueueDequeuePairs(int threads, int operationsPerThread)
    {
        var queue = new LockFreeQueue<int>();
        var misses = new int[threads];
        Concurrent.Run(threads, t =>
        {
            for (int i = 0; i < operationsPerThread; i++)
            {
                queue.Enqueue(i);
                if (!queue.TryDequeue(out _)) misses[t]++;
            }
        });
        foreach (int m in misses)
            Check.Equal(0, m, FindingKind.NotLinearizable, "TryDequeue returned false right after this thread's own Enqueue: the queue was not empty");
    }
}
