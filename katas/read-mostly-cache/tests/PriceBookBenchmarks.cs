using System.Collections.Generic;
using KataServer.Testing;

namespace KataTests;

public static class PriceBookBenchmarks
{
    [KataBenchmark(Description = "Every thread looks up prices; thread 0 also imports a batch of 10 prices every 1,000 lookups; every lookup and every batch must be seen", OperationsPerThread = 100_000)]
    public static void ReadMostly(int threads, int operationsPerThread)
    {
        // The book's size and SKU names change from grade to grade, and the work is checked: lookups that found nothing
        // or batches that did not land are a finding, never a score.
        int skuCount = TestData.Int(60, 140);
        string prefix = "sku" + TestData.Int(100, 99_999) + "-";
        var skus = new string[skuCount];
        var all = new Dictionary<string, decimal>();
        for (int i = 0; i < skuCount; i++)
        {
            skus[i] = prefix + i;
            all[skus[i]] = i;
        }
        var book = new PriceBook();
        book.SetPrices(all);
        var misses = new int[threads];
        var expected = new Dictionary<string, decimal>(all);
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
                    foreach (var pair in batch) expected[pair.Key] = pair.Value;
                }
                if (!book.TryGetPrice(skus[(i * 7 + t) % skuCount], out _)) misses[t]++;
            }
        });
        foreach (int m in misses)
            Check.Equal(0, m, FindingKind.Invariant, "TryGetPrice returned false for a SKU that always has a price");
        Check.Equal(skuCount, book.Count, FindingKind.LostUpdate, $"The book was filled with {skuCount} SKUs and the batches only updated them");
        foreach (var pair in expected)
        {
            bool found = book.TryGetPrice(pair.Key, out decimal price);
            Check.That(found && price == pair.Value, FindingKind.LostUpdate,
                $"Once the benchmark's batches were imported, {pair.Key} must cost {pair.Value} (its last batch), but the book has {(found ? price.ToString() : "nothing")}");
        }
    }
}
