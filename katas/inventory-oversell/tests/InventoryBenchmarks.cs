using KataServer.Testing;

namespace KataTests;

public static class InventoryBenchmarks
{
    [KataBenchmark(Description = "Every thread reserves and releases one unit of random SKUs among 64", OperationsPerThread = 50_000)]
    public static void ReserveAndRelease(int threads, int operationsPerThread)
    {
        var stock = new Dictionary<string, int>();
        var skus = new string[64];
        for (var i = 0; i < skus.Length; i++)
        {
            skus[i] = "sku-" + i;
            stock[skus[i]] = 1_000_000;
        }

        var inventory = new Inventory(stock);
        Concurrent.Run(threads, thread =>
        {
            var state = (uint)(thread * 7919 + 1);
            for (var i = 0; i < operationsPerThread; i++)
            {
                state = state * 1664525 + 1013904223;
                var sku = skus[(state >> 8) % 64];
                if (inventory.TryReserve(sku, 1)) inventory.Release(sku, 1);
            }
        });
    }
}
