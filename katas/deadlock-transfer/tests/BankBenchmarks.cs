using KataServer.Testing;

namespace KataTests;

public static class BankBenchmarks
{
    [KataBenchmark(Description = "Every thread makes small transfers between random accounts of a 64-account bank", OperationsPerThread = 50_000)]
    public static void RandomTransfers(int threads, int operationsPerThread)
    {
        var bank = new Bank(64, 1_000_000);
        Concurrent.Run(threads, thread =>
        {
            var state = (uint)(thread * 7919 + 1);
            for (var i = 0; i < operationsPerThread; i++)
            {
                state = state * 1664525 + 1013904223;
                var from = (int)(state >> 8) % 64;
                var to = (from + 1 + (int)(state >> 20) % 63) % 64;
                bank.Transfer(from, to, 1);
            }
        });
    }
}
