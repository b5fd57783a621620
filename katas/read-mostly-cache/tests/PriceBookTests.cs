using System.Collections.Generic;
using KataServer.Testing;

namespace KataTests;

public static class PriceBookTests
{
    // Real threads need many operations per iteration for a race to show; the schedule explorer
    // needs few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

    private static Dictionary<string, decimal> Batch(decimal price, params string[] skus)
    {
        var batch = new Dictionary<string, decimal>();
        foreach (string sku in skus) batch[sku] = price;
        return batch;
    }

    /// <summary>SKU names that change from grade to grade (one drawn suffix for all of a test's names), so that the
    /// code cannot recognise a test by its keys.</summary>
    private static string[] Skus(params string[] words)
    {
        string suffix = "-" + TestData.Int(100, 99_999);
        var skus = new string[words.Length];
        for (int i = 0; i < words.Length; i++) skus[i] = words[i] + suffix;
        return skus;
    }

    private static decimal Price(PriceBook book, string sku)
    {
        Check.That(book.TryGetPrice(sku, out decimal price), FindingKind.Assertion, $"TryGetPrice(\"{sku}\") returned false, but {sku} has a price");
        return price;
    }

    [KataTest(Description = "On one thread: a new book is empty; a batch adds and updates prices; SKUs not in a batch keep theirs.")]
    public static void SequentialBatches()
    {
        var names = Skus("coffee", "croissant", "tea");
        string coffee = names[0], croissant = names[1], tea = names[2];
        decimal coffee1 = TestData.Int(100, 999) / 100m, croissant1 = TestData.Int(100, 999) / 100m;
        decimal coffee2 = coffee1 + TestData.Int(1, 99) / 100m, tea2 = TestData.Int(100, 999) / 100m;
        var book = new PriceBook();
        Check.Equal(0, book.Count, FindingKind.Assertion, "A new book must be empty (Count 0)");
        Check.That(!book.TryGetPrice(coffee, out _), FindingKind.Assertion, "TryGetPrice of an unknown SKU must return false");
        var batch = new Dictionary<string, decimal> { [coffee] = coffee1, [croissant] = croissant1 };
        book.SetPrices(batch);
        Check.Equal(2, book.Count, FindingKind.Assertion, "After a batch of 2 SKUs, Count must be 2");
        Check.Equal(coffee1, Price(book, coffee), FindingKind.Assertion, $"{coffee} was set to {coffee1}");
        Check.Equal(croissant1, Price(book, croissant), FindingKind.Assertion, $"{croissant} was set to {croissant1}");
        batch[coffee] = 99m; // the caller reuses its dictionary
        batch[tea] = 99m;
        Check.Equal(coffee1, Price(book, coffee), FindingKind.Assertion, "Changing the caller's dictionary after SetPrices must not change the book");
        Check.Equal(2, book.Count, FindingKind.Assertion, "Changing the caller's dictionary after SetPrices must not change Count");
        book.SetPrices(new Dictionary<string, decimal> { [coffee] = coffee2, [tea] = tea2 });
        Check.Equal(3, book.Count, FindingKind.Assertion, $"{coffee}, {croissant}, {tea}: Count must be 3");
        Check.Equal(coffee2, Price(book, coffee), FindingKind.Assertion, $"{coffee} was updated to {coffee2}");
        Check.Equal(croissant1, Price(book, croissant), FindingKind.Assertion, $"{croissant} was not in the second batch and must keep {croissant1}");
        Check.Equal(tea2, Price(book, tea), FindingKind.Assertion, $"{tea} was added at {tea2}");
        book.SetPrices(new Dictionary<string, decimal>());
        Check.Equal(3, book.Count, FindingKind.Assertion, "An empty batch changes nothing");
    }

    [KataTest(Description = "A writer imports batches that raise every price together while two readers read the prices one by one: no reader ever sees half a batch.")]
    public static void ReadersNeverSeeHalfABatch()
    {
        string[] skus = Skus("coffee", "croissant", "tea");
        int batches = Scale(TestData.Int(300, 700), 2);
        int passes = Scale(TestData.Int(1_500, 2_500), 1);
        var book = new PriceBook();
        book.SetPrices(Batch(0m, skus));
        Concurrent.Run(3, t =>
        {
            if (t == 0)
            {
                for (int v = 1; v <= batches; v++)
                {
                    book.SetPrices(Batch(v, skus));
                    Concurrent.OperationDone(); // lets the runner see whether the threads really overlapped
                }
                return;
            }
            // Reader 1 reads front to back, reader 2 back to front, so a batch applied in any order is caught.
            decimal newest = 0m;
            string newestSku = skus[0];
            for (int pass = 0; pass < passes; pass++)
                for (int i = 0; i < skus.Length; i++)
                {
                    string sku = skus[t == 1 ? i : skus.Length - 1 - i];
                    bool found = book.TryGetPrice(sku, out decimal price);
                    Check.That(found, FindingKind.Invariant, $"TryGetPrice(\"{sku}\") returned false while a batch was being imported, but {sku} always has a price");
                    Check.That(price >= newest, FindingKind.Invariant,
                        $"Reader {t} saw {newestSku} at {newest} (batch {newest}), then {sku} at {price} (batch {price}): every batch sets all three prices at once, so the reader saw half a batch");
                    if (price > newest) { newest = price; newestSku = sku; }
                    Concurrent.OperationDone();
                }
        });
        foreach (string sku in skus)
            Check.Equal((decimal)batches, Price(book, sku), FindingKind.LostUpdate, $"Once every batch was imported, {sku} must have the last batch's price");
    }

    [KataTest(Description = "A writer imports batches of two new SKUs while a reader watches Count: Count never counts half a batch.")]
    public static void CountNeverSeesHalfABatch()
    {
        int batches = Scale(TestData.Int(300, 700), 2);
        int reads = Scale(TestData.Int(1_500, 2_500), 3);
        string prefix = Skus("new")[0];
        var book = new PriceBook();
        Concurrent.Run(
            () =>
            {
                for (int k = 1; k <= batches; k++)
                {
                    book.SetPrices(Batch(k, $"{prefix}-{k}-a", $"{prefix}-{k}-b"));
                    Concurrent.OperationDone();
                }
            },
            () =>
            {
                int last = 0;
                for (int i = 0; i < reads; i++)
                {
                    int count = book.Count;
                    Check.That(count % 2 == 0, FindingKind.Invariant,
                        $"Count returned {count}, but every batch adds exactly two new SKUs: it counted half a batch");
                    Check.That(count >= last, FindingKind.Invariant, $"Count went down from {last} to {count}, but SKUs are only ever added");
                    last = count;
                    Concurrent.OperationDone();
                }
            });
        Check.Equal(2 * batches, book.Count, FindingKind.LostUpdate, $"{batches} batches of two new SKUs each were imported");
    }

    [KataTest(Description = "Two writers import batches of different SKUs at the same time: no batch is lost.")]
    public static void ConcurrentBatchesAreAllKept()
    {
        int batches = Scale(TestData.Int(200, 400), 1);
        var names = Skus("shared", "w0", "w1");
        string shared = names[0];
        var book = new PriceBook();
        book.SetPrices(Batch(0m, shared));
        Concurrent.Run(2, t =>
        {
            for (int k = 1; k <= batches; k++)
            {
                book.SetPrices(Batch(k, $"{names[1 + t]}-{k}-a", $"{names[1 + t]}-{k}-b"));
                Concurrent.OperationDone();
            }
        });
        Check.Equal(1 + 2 * 2 * batches, book.Count, FindingKind.LostUpdate,
            $"Two writers each imported {batches} batches of two new SKUs (plus 1 SKU set before): SKUs from a batch are missing");
        for (int t = 0; t < 2; t++)
            for (int k = 1; k <= batches; k++)
            {
                bool found = book.TryGetPrice($"{names[1 + t]}-{k}-a", out decimal price);
                Check.That(found && price == k, FindingKind.LostUpdate,
                    $"Writer {t}'s batch {k} set {names[1 + t]}-{k}-a to {k}, but the book has {(found ? price.ToString() : "nothing")}: the batch was lost");
            }
        Check.That(book.TryGetPrice(shared, out decimal kept) && kept == 0m, FindingKind.LostUpdate, $"A SKU no batch touched ({shared}) must keep its price");
    }

    [KataTest(Description = "Two writers set the same two SKUs at the same time: the book ends with one writer's batch, never a mix of both.")]
    public static void ConcurrentBatchesDoNotMix()
    {
        // One batch per writer: nothing to overlap within a body, so nothing is marked.
        int rounds = Scale(TestData.Int(30, 70), 1);
        var skus = Skus("coffee", "croissant", "tea");
        decimal[] prices = { TestData.Int(1, 50), TestData.Int(51, 100) };
        for (int round = 0; round < rounds; round++)
        {
            var book = new PriceBook();
            Concurrent.Run(2, t => book.SetPrices(Batch(prices[t], skus)));
            decimal coffee = Price(book, skus[0]), croissant = Price(book, skus[1]), tea = Price(book, skus[2]);
            Check.That(coffee == croissant && croissant == tea, FindingKind.Invariant,
                $"Writer 0 set all three prices to {prices[0]} and writer 1 set them all to {prices[1]}, but the book ended with {skus[0]} {coffee}, {skus[1]} {croissant}, {skus[2]} {tea}: the two batches were mixed");
        }
    }

    // Explored only: what it checks is ordered by the joins between the runs, which every schedule respects, and a
    // stress budget of its own would add seconds to every grade for nothing the explorer cannot see.
    [KataTest(Description = "Readers on other threads read, then a batch is set: every read that starts after SetPrices returned sees that batch, on any thread (no reader keeps an old price).", Stress = false)]
    public static void ReadsAfterABatchReturnedSeeIt()
    {
        int rounds = Scale(20, 2);
        var skus = Skus("coffee", "tea");
        var book = new PriceBook();
        book.SetPrices(Batch(1m, skus));
        for (int round = 2; round <= rounds + 1; round++)
        {
            decimal batch = round;
            // Readers read first (filling whatever they keep), then one thread sets the next batch; the next Run
            // starts after that SetPrices returned, so every read in it must see the new batch.
            Concurrent.Run(3, t =>
            {
                if (t == 0) book.SetPrices(Batch(batch, skus));
                else book.TryGetPrice(skus[t - 1], out _);
            });
            Concurrent.Run(2, t =>
            {
                string sku = skus[t];
                Check.Equal(batch, Price(book, sku), FindingKind.Invariant,
                    $"SetPrices of batch {batch} had returned before this read of {sku} started, so the read must see batch {batch} (or a newer one): a price set and returned is never stale afterwards");
            });
        }
    }
}
