using KataServer.Testing;

namespace KataTests;

public static class BoundedBufferBenchmarks
{
    [KataBenchmark(Description = "Every thread puts an item and takes one, over and over, on one shared buffer; every item put must come out", OperationsPerThread = 50_000)]
    public static void PutAndTake(int threads, int operationsPerThread)
    {
        // Each thread has at most one item in the buffer, so with room for more than every thread nobody blocks for long.
        // The capacity and the items change from grade to grade, and the work is checked: a benchmark whose items
        // did not all come out is a finding, never a score.
        var buffer = new BoundedBuffer<long>(TestData.Int(Math.Max(2, threads), 96));
        long salt = TestData.Long(1, 1L << 40);
        var put = new long[threads];
        var taken = new long[threads];
        Concurrent.Run(threads, thread =>
        {
            long putSum = 0, takenSum = 0;
            for (var i = 0; i < operationsPerThread; i++)
            {
                long item = salt + thread * (long)operationsPerThread + i;
                buffer.Put(item);
                putSum += item;
                takenSum += buffer.Take();
            }

            put[thread] = putSum;
            taken[thread] = takenSum;
        });

        long putInAll = 0, takenInAll = 0;
        for (var t = 0; t < threads; t++)
        {
            putInAll += put[t];
            takenInAll += taken[t];
        }

        Check.Equal(putInAll, takenInAll, FindingKind.Invariant, "The items taken are not the items put: one was lost, invented or taken twice");
        Check.Equal(0, buffer.Count, FindingKind.Invariant, "Every item put was taken: Count must be 0");
    }
}
