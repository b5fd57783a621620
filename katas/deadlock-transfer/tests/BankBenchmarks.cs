using KataServer.Testing;

namespace KataTests;

public static class BankBenchmarks
{
    [KataBenchmark(Description = "Every thread makes small transfers between random accounts of a bank of a few dozen accounts; the balances must show every transfer", OperationsPerThread = 50_000)]
    public static void RandomTransfers(int threads, int operationsPerThread)
    {
        // The bank's size and balances change from grade to grade, and the work is checked: a benchmark whose
        // transfers were not all applied is a finding, never a score.
        int accounts = TestData.Int(24, 96);
        long initial = TestData.Long(1_000_000, 3_000_000); // more than any account can lose: every transfer must succeed
        uint salt = (uint)TestData.Int(1, int.MaxValue);
        var bank = new Bank(accounts, initial);
        var deltas = new long[threads][];
        var refused = new long[threads];
        Concurrent.Run(threads, thread =>
        {
            var delta = new long[accounts];
            var state = (uint)(thread * 7919 + 1) ^ salt;
            for (var i = 0; i < operationsPerThread; i++)
            {
                state = state * 1664525 + 1013904223;
                var from = (int)((state >> 8) % (uint)accounts);
                var to = (int)((from + 1 + (state >> 20) % (uint)(accounts - 1)) % (uint)accounts);
                if (bank.Transfer(from, to, 1))
                {
                    delta[from]--;
                    delta[to]++;
                }
                else refused[thread]++;
            }

            deltas[thread] = delta;
        });

        long refusedInAll = 0;
        foreach (var r in refused) refusedInAll += r;
        Check.Equal(0L, refusedInAll, FindingKind.Assertion,
            "Transfer returned false although every account always held far more than the amount moved");
        for (var a = 0; a < accounts; a++)
        {
            var expected = initial;
            foreach (var delta in deltas) expected += delta[a];
            Check.Equal(expected, bank.BalanceOf(a), FindingKind.LostUpdate,
                $"After the benchmark's {threads * (long)operationsPerThread} transfers of 1, account {a} does not show the transfers that touched it");
        }

        Check.Equal(accounts * initial, bank.TotalBalance(), FindingKind.LostUpdate, "After the benchmark's transfers the bank's total changed");
    }
}
