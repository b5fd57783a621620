using System.Collections.Generic;
using KataServer.Testing;

namespace KataTests;

public static class PriceBookBenchmarks
{
    [KataBenchmark(Description = "Every thread looks up prices; thread 0 also imports a batch of 10 prices every 1,000 lookups", OperationsPerThread = 100_000)]
    public static void ReadMostly(int threads, int operationsPerThread)
    {
        const int skuCount = 100;
        var skus = new string[skuCount];
        var all = new Dictionary<string, decimal>();
        for (int i = 0; i < skuCount; i++)
        {
            skus[i] = "sku-" + i;
            all[skus[i]] = i;
        }
        var book = new PriceBook();
        book.SetPrices(all);
        var misses = new int[threads];
        Concurrent.Run(threads, t =>
        {
            var batch = new Dictionary<string, decimal>();
            for (int i = 0; i < operationsPerThread; i++)
            {
                if (t == 0 && i % 1_000 == 0)
                {
                    batch.Clear();
                    for (int j = 0; j < 10; j++) batch[skus[(i / 1_000 + j) % skuCount]] = i;
                    book.SetPrices(batch);
                }
                if (!book.TryGetPrice(skus[(i * 7 + t) % skuCount], out _)) misses[t]++;
            }
        });
        foreach (int m in misses)
            Check.Equal(0, m, FindingKind.Invariant, "TryGetPrice returned false for a SKU that always has a price");
    }
}
