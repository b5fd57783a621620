using KataServer.Testing;

namespace KataTests;

public static class LockFreeQueueBenchmarks
{
    [KataBenchmark(Description = "Every thread enqueues one item then dequeues one, over and over; every item enqueued must come out once", OperationsPerThread = 100_000)]
    public static void EnqueueDequeuePairs(int threads, int operationsPerThread)
    {
        // The values change from grade to grade, and the work is checked: a benchmark whose enqueues and dequeues were
        // not all done is a finding, never a score.
        int salt = TestData.Int(1, 1 << 20);
        var queue = new LockFreeQueue<int>();
        var misses = new long[threads];
        var enqueuedSum = new long[threads];
        var dequeuedSum = new long[threads];
        Concurrent.Run(threads, t =>
        {
            for (int i = 0; i < operationsPerThread; i++)
            {
                int value = salt + t * 7919 + i;
                queue.Enqueue(value);
                enqueuedSum[t] += value;
                if (queue.TryDequeue(out int item)) dequeuedSum[t] += item;
                else misses[t]++;
            }
        });
        long missed = 0, enqueued = 0, dequeued = 0;
        for (int t = 0; t < threads; t++)
        {
            missed += misses[t];
            enqueued += enqueuedSum[t];
            dequeued += dequeuedSum[t];
        }
        Check.Equal(0L, missed, FindingKind.NotLinearizable, "TryDequeue returned false right after this thread's own Enqueue: the queue was not empty");
        Check.That(queue.IsEmpty, FindingKind.NotLinearizable, "Every Enqueue was followed by a successful TryDequeue, yet the queue is not empty afterwards");
        Check.Equal(enqueued, dequeued, FindingKind.NotLinearizable,
            $"The benchmark's {threads * (long)operationsPerThread} enqueues and as many dequeues do not add up: the values dequeued are not the values enqueued (an item lost, duplicated or made up)");
    }
}
