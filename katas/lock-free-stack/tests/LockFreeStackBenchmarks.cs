using KataServer.Testing;

namespace KataTests;

public static class LockFreeStackBenchmarks
{
    [KataBenchmark(Description = "Every thread pushes and pops on one shared stack; every item pushed must come out once", OperationsPerThread = 100_000)]
    public static void PushAndPop(int threads, int operationsPerThread)
    {
        // The values change from grade to grade, and the work is checked: a benchmark whose pushes and pops were not
        // all done is a finding, never a score.
        int salt = TestData.Int(1, 1 << 20);
        var stack = new LockFreeStack<int>();
        var misses = new long[threads];
        var pushedSum = new long[threads];
        var poppedSum = new long[threads];
        Concurrent.Run(threads, thread =>
        {
            for (var i = 0; i < operationsPerThread; i++)
            {
                int value = salt + thread * 7919 + i;
                stack.Push(value);
                pushedSum[thread] += value;
                if (stack.TryPop(out int popped)) poppedSum[thread] += popped;
                else misses[thread]++;
            }
        });

        long missed = 0, pushed = 0, popped = 0;
        for (var t = 0; t < threads; t++)
        {
            missed += misses[t];
            pushed += pushedSum[t];
            popped += poppedSum[t];
        }
        Check.Equal(0L, missed, FindingKind.NotLinearizable, "TryPop returned false right after this thread's own Push: the stack was not empty");
        Check.That(stack.IsEmpty, FindingKind.NotLinearizable, "Every Push was followed by a successful TryPop, yet the stack is not empty afterwards");
        Check.Equal(pushed, popped, FindingKind.NotLinearizable,
            $"The benchmark's {threads * (long)operationsPerThread} pushes and as many pops do not add up: the values popped are not the values pushed (an item lost, duplicated or made up)");
    }
}
