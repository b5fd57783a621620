using System.Collections.Generic;
using System.Threading.Tasks;
using KataServer.Testing;

namespace KataTests;

public static class AccountBenchmarks
{
    [KataBenchmark(Description = "Every thread sends deposits to one account as fast as it can, awaiting them in batches of 100", OperationsPerThread = 20_000)]
    public static void DepositsPerSecond(int threads, int operationsPerThread)
    {
        // The amount changes from grade to grade, and the work is checked: deposits that were not all applied are a
        // finding, never a score.
        decimal amount = TestData.Int(1, 400) / 4m;
        var account = new Account();
        Concurrent.Run(threads, t =>
        {
            var batch = new List<Task>(100);
            for (int i = 0; i < operationsPerThread; i++)
            {
                batch.Add(account.DepositAsync(amount));
                if (batch.Count == 100)
                {
                    Task.WhenAll(batch).GetAwaiter().GetResult();
                    batch.Clear();
                }
            }
            Task.WhenAll(batch).GetAwaiter().GetResult();
        });
        decimal final = account.StopAsync().GetAwaiter().GetResult();
        Check.Equal((decimal)threads * operationsPerThread * amount, final, FindingKind.LostUpdate,
            $"The benchmark's {threads * (long)operationsPerThread} deposits of {amount} were all awaited: StopAsync's final balance must count every one");
    }
}
