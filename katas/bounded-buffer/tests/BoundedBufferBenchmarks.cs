using KataServer.Testing;

namespace KataTests;

public static class BoundedBufferBenchmarks
{
    [KataBenchmark(Description = "Every thread puts an item and takes one, over and over, on one shared buffer", OperationsPerThread = 50_000)]
    public static void PutAndTake(int threads, int operationsPerThread)
    {
        // Each thread has at most one item in the buffer, so with room for more than every thread nobody blocks for long.
        var buffer = new BoundedBuffer<int>(64);
        Concurrent.Run(threads, thread =>
        {
            for (var i = 0; i < operationsPerThread; i++)
            {
                buffer.Put(i);
                buffer.Take();
            }
        });
    }
}
