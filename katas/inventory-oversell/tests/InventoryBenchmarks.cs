using KataServer.Testing;

namespace KataTests;

public static class InventoryBenchmarks
{
    [KataBenchmark(Description = "Every thread reserves and releases one unit of random SKUs among a few dozen; every unit must be back at the end", OperationsPerThread = 50_000)]
    public static void ReserveAndRelease(int threads, int operationsPerThread)
    {
        // The catalogue changes from grade to grade, and the work is checked: a benchmark whose reservations
        // were not made (or not given back) is a finding, never a score.
        var count = TestData.Int(32, 96);
        var initial = TestData.Int(1_000_000, 3_000_000); // more than all threads can hold at once: every reservation must succeed
        var prefix = "sku" + TestData.Int(1, 999) + "-";
        var salt = (uint)TestData.Int(1, int.MaxValue);
        var stock = new Dictionary<string, int>();
        var skus = new string[count];
        for (var i = 0; i < skus.Length; i++)
        {
            skus[i] = prefix + i;
            stock[skus[i]] = initial;
        }

        var inventory = new Inventory(stock);
        var refused = new long[threads];
        Concurrent.Run(threads, thread =>
        {
            var state = (uint)(thread * 7919 + 1) ^ salt;
            for (var i = 0; i < operationsPerThread; i++)
            {
                state = state * 1664525 + 1013904223;
                var sku = skus[(state >> 8) % (uint)count];
                if (inventory.TryReserve(sku, 1)) inventory.Release(sku, 1);
                else refused[thread]++;
            }
        });

        long refusedInAll = 0;
        foreach (var r in refused) refusedInAll += r;
        Check.Equal(0L, refusedInAll, FindingKind.Assertion, "TryReserve(sku, 1) returned false although every SKU always had far more units");
        foreach (var sku in skus)
            Check.Equal(initial, inventory.Available(sku), FindingKind.LostUpdate,
                $"Every unit reserved by the benchmark was released again, so {sku} must show its {initial} units");
    }
}
