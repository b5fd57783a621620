using KataServer.Testing;

namespace KataTests;

public static class DiningTableBenchmarks
{
    [KataBenchmark(Description = "One philosopher per thread at a table with one to three extra seats, all eating short meals as fast as they can", OperationsPerThread = 50_000)]
    public static void MealsPerSecond(int threads, int operationsPerThread)
    {
        // The table's size changes from grade to grade (one to three seats more than the philosophers eating); the work
        // is checked: meals that did not all run exactly once are a finding, never a score.
        int seats = System.Math.Max(3, threads + TestData.Int(1, 3));
        var table = new DiningTable(seats);
        var watcher = new Watcher(seats);
        Concurrent.Run(threads, p =>
        {
            var meal = watcher.Meal(p);
            for (int i = 0; i < operationsPerThread; i++) table.Eat(p, meal);
        });
        var expected = new int[seats];
        for (int p = 0; p < threads; p++) expected[p] = operationsPerThread;
        watcher.CheckCounts(expected);
    }
}
