using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class LazyValueBenchmarks
{
    [KataBenchmark(Description = "Every thread reads Value over and over once it has been built", OperationsPerThread = 200_000)]
    public static void ReadsAfterCreation(int threads, int operationsPerThread)
    {
        // The value changes from grade to grade, and the work is checked: reads that did not all return the one value
        // built are a finding, never a score.
        int batch = TestData.Int(1, 1_000_000);
        int calls = 0;
        var lazy = new LazyValue<Oven>(() =>
        {
            Interlocked.Increment(ref calls);
            return new Oven(batch);
        });
        var first = lazy.Value;
        Check.That(first is not null && first.Batch == batch, FindingKind.Assertion, "The first Value must return what the factory built");
        var right = new long[threads];
        Concurrent.Run(threads, t =>
        {
            for (int i = 0; i < operationsPerThread; i++)
                if (ReferenceEquals(lazy.Value, first)) right[t]++;
        });
        foreach (long r in right)
            Check.Equal((long)operationsPerThread, r, FindingKind.Invariant, $"Each thread read Value {operationsPerThread} times: every read must return the object built first");
        Check.Equal(1, Volatile.Read(ref calls), FindingKind.Invariant, "The factory must run once, however many times Value is read");
    }
}
