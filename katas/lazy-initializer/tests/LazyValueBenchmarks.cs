using KataServer.Testing;

namespace KataTests;

public static class LazyValueBenchmarks
{
    [KataBenchmark(Description = "Every thread reads Value over and over once it has been built", OperationsPerThread = 200_000)]
    public static void ReadsAfterCreation(int threads, int operationsPerThread)
    {
        var lazy = new LazyValue<Oven>(() => new Oven(1));
        var first = lazy.Value;
        var wrong = new int[threads];
        Concurrent.Run(threads, t =>
        {
            for (int i = 0; i < operationsPerThread; i++)
                if (!ReferenceEquals(lazy.Value, first)) wrong[t]++;
        });
        foreach (int w in wrong)
            Check.Equal(0, w, FindingKind.Invariant, "Value must always return the object built first");
    }
}
