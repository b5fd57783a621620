using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class BankTests
{
    // Real threads need many transfers per iteration for a race to show; the schedule explorer
    // needs few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

    /// <summary>
    /// Keeps the threads of one test overlapping on a busy machine: each thread does at least
    /// <c>min</c> steps and goes on (up to <c>max</c>) until every other thread has done its
    /// <c>min</c> too. Under the schedule explorer min = max, so the loops stay small and fixed.
    /// </summary>
    private sealed class Overlap
    {
        private readonly int[] progress;
        private readonly int min, max;

        public Overlap(int threads, int minOnRealThreads, int explored)
        {
            progress = new int[threads];
            min = Scale(minOnRealThreads, explored);
            max = Scale(minOnRealThreads * 4, explored);
        }

        public bool Continue(int thread, int step)
        {
            if (step > 0) Concurrent.OperationDone(); // lets the runner see whether the threads really overlapped
            if (step >= max) return false;
            if (step < min) return true;
            Volatile.Write(ref progress[thread], step);
            for (int other = 0; other < progress.Length; other++)
                if (Volatile.Read(ref progress[other]) < min) return true;
            return false;
        }
    }

    [KataTest(Description = "On one thread: transfers move money, a transfer larger than the balance is refused and changes nothing.")]
    public static void SequentialTransfers()
    {
        // Sizes and amounts change from grade to grade: the code cannot recognise the test by them.
        int n = TestData.Int(3, 9);
        long initial = TestData.Long(20, 500);
        int a = TestData.Int(0, n - 1), b = (a + TestData.Int(1, n - 1)) % n, c = (b + TestData.Int(1, n - 1)) % n;
        if (c == a) c = (c + 1) % n == b ? (c + 2) % n : (c + 1) % n;
        long first = TestData.Long(1, initial - 1);
        long left = initial - first;
        var bank = new Bank(n, initial);
        Check.Equal(n * initial, bank.TotalBalance(), FindingKind.Assertion, $"A new bank with {n} accounts of {initial} must hold {n * initial} in total");
        Check.Equal(true, bank.Transfer(a, b, first), FindingKind.Assertion, $"Transfer({a}, {b}, {first}) from a balance of {initial} must succeed");
        Check.Equal(left, bank.BalanceOf(a), FindingKind.Assertion, $"After moving {first} out of account {a} ({initial}), its balance is wrong");
        Check.Equal(initial + first, bank.BalanceOf(b), FindingKind.Assertion, $"After moving {first} into account {b} ({initial}), its balance is wrong");
        Check.Equal(false, bank.Transfer(a, c, left + 1), FindingKind.Assertion, $"Transfer({a}, {c}, {left + 1}) from a balance of {left} must return false");
        Check.Equal(left, bank.BalanceOf(a), FindingKind.Assertion, "A refused transfer must not change the source balance");
        Check.Equal(initial, bank.BalanceOf(c), FindingKind.Assertion, "A refused transfer must not change the destination balance");
        Check.Equal(true, bank.Transfer(a, c, left), FindingKind.Assertion, $"Transfer({a}, {c}, {left}) from a balance of exactly {left} must succeed");
        Check.Equal(0L, bank.BalanceOf(a), FindingKind.Assertion, $"Account {a} was emptied by the last transfer");
        Check.Equal(true, bank.Transfer(c, a, initial + left), FindingKind.Assertion, $"Transfer({c}, {a}, {initial + left}) from a balance of {initial + left} must succeed");
        Check.Equal(n * initial, bank.TotalBalance(), FindingKind.Assertion, $"Transfers only move money: the total must stay {n * initial}");
    }

    [KataTest(Description = "Two threads transfer in opposite directions between the same two accounts: no deadlock, every transfer with enough funds succeeds, and every one is accounted for.")]
    public static void OppositeTransfers()
    {
        long initial = TestData.Long(500_000, 2_000_000); // more than either thread can ever move: no transfer may be refused
        int n = TestData.Int(2, 64); // accounts other than x and y stay idle: a wide range costs nothing
        int x = TestData.Int(0, n - 1), y = (x + TestData.Int(1, n - 1)) % n; // the two accounts the threads share
        var overlap = new Overlap(2, 1_500, 2);
        var bank = new Bank(n, initial);
        var moved = new long[2]; // moved[t]: money thread t moved successfully
        var refused = new int[2];
        Concurrent.Run(2, t =>
        {
            int from = t == 0 ? x : y, to = t == 0 ? y : x;
            for (int i = 0; overlap.Continue(t, i); i++)
            {
                long amount = 1 + (i % 7);
                if (bank.Transfer(from, to, amount)) moved[t] += amount;
                else refused[t]++;
            }
        });
        Check.Equal(0, refused[0] + refused[1], FindingKind.Assertion,
            $"Transfer returned false {refused[0] + refused[1]} times although the source account always held far more than the amount: it may refuse only when funds are short");
        long expected0 = initial - moved[0] + moved[1];
        long expected1 = initial - moved[1] + moved[0];
        Check.That(bank.BalanceOf(x) >= 0 && bank.BalanceOf(y) >= 0, FindingKind.Invariant,
            $"A balance went below zero (account {x}: {bank.BalanceOf(x)}, account {y}: {bank.BalanceOf(y)})");
        Check.Equal(expected0, bank.BalanceOf(x), FindingKind.LostUpdate,
            $"Account {x} started with {initial}, sent {moved[0]} and received {moved[1]} in successful transfers; a transfer was lost or applied twice");
        Check.Equal(expected1, bank.BalanceOf(y), FindingKind.LostUpdate,
            $"Account {y} started with {initial}, sent {moved[1]} and received {moved[0]} in successful transfers; a transfer was lost or applied twice");
        Check.Equal(n * initial, bank.TotalBalance(), FindingKind.LostUpdate, $"Once all transfers have returned, the total must still be {n * initial}");
    }

    [KataTest(Description = "Three threads move money between a few accounts while an auditor takes TotalBalance snapshots: every snapshot shows all the money.")]
    public static void EverySnapshotConservesMoney()
    {
        int accounts = TestData.Int(4, 8);
        long initial = TestData.Long(60, 200);
        long total = accounts * initial;
        uint salt = (uint)TestData.Int(0, 1 << 20);
        var overlap = new Overlap(4, 1_000, 2);
        var bank = new Bank(accounts, initial);
        var deltas = new long[3, accounts];
        Concurrent.Run(4, t =>
        {
            if (t == 3)
            {
                for (int i = 0; overlap.Continue(t, i * 3); i++)
                {
                    long seen = bank.TotalBalance();
                    Check.That(seen == total, FindingKind.Invariant,
                        $"TotalBalance returned {seen} while transfers were running, but the bank always holds {total}: the snapshot saw a transfer half done");
                }
                return;
            }

            uint state = (uint)(t * 7919 + 17) ^ salt | 1u;
            for (int i = 0; overlap.Continue(t, i); i++)
            {
                state ^= state << 13; state ^= state >> 17; state ^= state << 5;
                int from = (int)(state % (uint)accounts);
                int to = (int)((from + 1 + (state >> 8) % (uint)(accounts - 1)) % (uint)accounts);
                long amount = 1 + (state >> 16) % 40;
                if (bank.Transfer(from, to, amount))
                {
                    deltas[t, from] -= amount;
                    deltas[t, to] += amount;
                }
            }
        });
        for (int a = 0; a < accounts; a++)
        {
            long expected = initial + deltas[0, a] + deltas[1, a] + deltas[2, a];
            long actual = bank.BalanceOf(a);
            Check.That(actual >= 0, FindingKind.Invariant, $"Account {a} ended below zero ({actual})");
            Check.Equal(expected, actual, FindingKind.LostUpdate,
                $"Account {a} does not match the successful transfers that touched it: a transfer was lost or applied twice");
        }
        Check.Equal(total, bank.TotalBalance(), FindingKind.LostUpdate, "Once all transfers have returned, the total must not have changed");
    }

    [KataTest(Description = "One thread moves money around a few accounts while an auditor takes TotalBalance snapshots: every snapshot shows all the money.")]
    public static void SnapshotsWhileMoneyMoves()
    {
        int n = TestData.Int(3, 6);
        long initial = TestData.Long(20, 80);
        long total = n * initial;
        var overlap = new Overlap(2, 2_000, 3);
        var bank = new Bank(n, initial);
        Concurrent.Run(
            () =>
            {
                for (int i = 0; overlap.Continue(0, i); i++) bank.Transfer(i % n, (i + 1) % n, 1 + (i % 5));
            },
            () =>
            {
                for (int i = 0; overlap.Continue(1, i * 3); i++)
                {
                    long seen = bank.TotalBalance();
                    Check.That(seen == total, FindingKind.Invariant,
                        $"TotalBalance returned {seen} while a transfer was running, but the bank always holds {total}: the snapshot saw a transfer half done");
                }
            });
        Check.Equal(total, bank.TotalBalance(), FindingKind.LostUpdate, "Once all transfers have returned, the total must not have changed");
    }

    [KataTest(Description = "Two threads keep sweeping the whole balance of the same account into their own: no balance ever goes below zero.")]
    public static void NoBalanceBelowZero()
    {
        long initial = TestData.Long(3, 9);
        var overlap = new Overlap(2, 1_000, 2);
        var bank = new Bank(TestData.Int(3, 64), initial); // accounts 0, 1 and 2 are used; the others stay idle
        var swept = new long[2];   // money each thread took out of account 0
        var returned = new long[2]; // money each thread gave back to account 0
        Concurrent.Run(2, t =>
        {
            int mine = t + 1;
            for (int i = 0; overlap.Continue(t, i); i++)
            {
                long seen = bank.BalanceOf(0);
                if (seen > 0 && bank.Transfer(0, mine, seen)) swept[t] += seen;
                long now = bank.BalanceOf(0);
                Check.That(now >= 0, FindingKind.Invariant,
                    $"Account 0 has a balance of {now}: money left it that was not there (two transfers spent the same money, or a transfer took it before checking the funds)");
                long back = bank.BalanceOf(mine);
                Check.That(back >= 0, FindingKind.Invariant, $"Account {mine} has a balance of {back}");
                if (back > 0 && i % 2 == 1 && bank.Transfer(mine, 0, back)) returned[t] += back;
            }
        });
        long[] expected = { initial - swept[0] - swept[1] + returned[0] + returned[1], initial + swept[0] - returned[0], initial + swept[1] - returned[1] };
        for (int a = 0; a < expected.Length; a++)
        {
            long actual = bank.BalanceOf(a);
            Check.That(actual >= 0, FindingKind.Invariant, $"Account {a} ended below zero ({actual})");
            Check.Equal(expected[a], actual, FindingKind.LostUpdate,
                $"Account {a} does not match the successful transfers that touched it: a transfer was lost or applied twice");
        }
    }

    [KataTest(Description = "One thread keeps moving money from account 0 to account 1 while an auditor reads BalanceOf of both, one after the other: the auditor never sees a transfer half done.")]
    public static void BalancesNeverShowATransferHalfDone()
    {
        long initial = TestData.Long(500_000, 2_000_000);
        var overlap = new Overlap(2, 2_000, 2);
        var bank = new Bank(TestData.Int(2, 64), initial); // accounts 0 and 1 are used; the others stay idle
        long step = TestData.Long(1, 3);
        Concurrent.Run(
            () =>
            {
                for (int i = 0; overlap.Continue(0, i); i++) bank.Transfer(0, 1, step);
            },
            () =>
            {
                // Money only flows 0 -> 1. Read 0 then 1: every transfer seen leaving 0 must be seen arriving at 1,
                // so the sum is at least the total. Read 1 then 0: every transfer seen at 1 had left 0, so at most.
                for (int i = 0; overlap.Continue(1, i); i++)
                {
                    long from = bank.BalanceOf(0);
                    long to = bank.BalanceOf(1);
                    Check.That(from + to >= 2 * initial, FindingKind.Invariant,
                        $"An auditor read BalanceOf(0) = {from}, then BalanceOf(1) = {to}: {2 * initial - from - to} had left account 0 but had not reached account 1, a transfer seen half done");
                    to = bank.BalanceOf(1);
                    from = bank.BalanceOf(0);
                    Check.That(from + to <= 2 * initial, FindingKind.Invariant,
                        $"An auditor read BalanceOf(1) = {to}, then BalanceOf(0) = {from}: {from + to - 2 * initial} had reached account 1 but had not left account 0, a transfer seen half done");
                }
            });
    }
}
