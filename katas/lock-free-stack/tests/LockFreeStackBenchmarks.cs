using KataServer.Testing;

namespace KataTests;

public static class LockFreeStackBenchmarks
{
    [KataBenchmark(Description = "Every thread pushes and pops on one shared stack", OperationsPerThread = 100_000)]
    public static void PushAndPop(int threads, int operationsPerThread)
    {
        var stack = new LockFreeStack<int>();
        Concurrent.Run(threads, thread =>
        {
            for (var i = 0; i < operationsPerThread; i++)
            {
                stack.Push(i);
                stack.TryPop(out _);
            }
        });
    }
}
