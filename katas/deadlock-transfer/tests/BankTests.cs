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
        var bank = new Bank(3, 100);
        Check.Equal(300L, bank.TotalBalance(), FindingKind.Assertion, "A new bank with 3 accounts of 100 must hold 300 in total");
        Check.Equal(true, bank.Transfer(0, 1, 30), FindingKind.Assertion, "Transfer(0, 1, 30) from a balance of 100 must succeed");
        Check.Equal(70L, bank.BalanceOf(0), FindingKind.Assertion, "After moving 30 out of account 0 (100), its balance is wrong");
        Check.Equal(130L, bank.BalanceOf(1), FindingKind.Assertion, "After moving 30 into account 1 (100), its balance is wrong");
        Check.Equal(false, bank.Transfer(0, 2, 71), FindingKind.Assertion, "Transfer(0, 2, 71) from a balance of 70 must return false");
        Check.Equal(70L, bank.BalanceOf(0), FindingKind.Assertion, "A refused transfer must not change the source balance");
        Check.Equal(100L, bank.BalanceOf(2), FindingKind.Assertion, "A refused transfer must not change the destination balance");
        Check.Equal(true, bank.Transfer(0, 2, 70), FindingKind.Assertion, "Transfer(0, 2, 70) from a balance of exactly 70 must succeed");
        Check.Equal(0L, bank.BalanceOf(0), FindingKind.Assertion, "Account 0 was emptied by the last transfer");
        Check.Equal(true, bank.Transfer(2, 0, 170), FindingKind.Assertion, "Transfer(2, 0, 170) from a balance of 170 must succeed");
        Check.Equal(300L, bank.TotalBalance(), FindingKind.Assertion, "Transfers only move money: the total must stay 300");
    }

    [KataTest(Description = "Two threads transfer in opposite directions between the same two accounts: no deadlock, every transfer with enough funds succeeds, and every one is accounted for.")]
    public static void OppositeTransfers()
    {
        const long initial = 1_000_000; // more than either thread can ever move: no transfer may be refused
        var overlap = new Overlap(2, 1_500, 2);
        var bank = new Bank(2, initial);
        var moved = new long[2]; // moved[t]: money thread t moved successfully
        var refused = new int[2];
        Concurrent.Run(2, t =>
        {
            int from = t, to = 1 - t;
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
        Check.That(bank.BalanceOf(0) >= 0 && bank.BalanceOf(1) >= 0, FindingKind.Invariant,
            $"A balance went below zero (account 0: {bank.BalanceOf(0)}, account 1: {bank.BalanceOf(1)})");
        Check.Equal(expected0, bank.BalanceOf(0), FindingKind.LostUpdate,
            $"Account 0 started with {initial}, sent {moved[0]} and received {moved[1]} in successful transfers; a transfer was lost or applied twice");
        Check.Equal(expected1, bank.BalanceOf(1), FindingKind.LostUpdate,
            $"Account 1 started with {initial}, sent {moved[1]} and received {moved[0]} in successful transfers; a transfer was lost or applied twice");
        Check.Equal(2 * initial, bank.TotalBalance(), FindingKind.LostUpdate, $"Once all transfers have returned, the total must still be {2 * initial}");
    }

    [KataTest(Description = "Three threads move money between five accounts while an auditor takes TotalBalance snapshots: every snapshot shows all the money.")]
    public static void EverySnapshotConservesMoney()
    {
        const int accounts = 5;
        const long initial = 100;
        const long total = accounts * initial;
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

            uint state = (uint)(t * 7919 + 17);
            for (int i = 0; overlap.Continue(t, i); i++)
            {
                state ^= state << 13; state ^= state >> 17; state ^= state << 5;
                int from = (int)(state % accounts);
                int to = (int)((from + 1 + (state >> 8) % (accounts - 1)) % accounts);
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

    [KataTest(Description = "One thread moves money around three accounts while an auditor takes TotalBalance snapshots: every snapshot shows all the money.")]
    public static void SnapshotsWhileMoneyMoves()
    {
        const long total = 3 * 50;
        var overlap = new Overlap(2, 2_000, 3);
        var bank = new Bank(3, 50);
        Concurrent.Run(
            () =>
            {
                for (int i = 0; overlap.Continue(0, i); i++) bank.Transfer(i % 3, (i + 1) % 3, 1 + (i % 5));
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
        var overlap = new Overlap(2, 1_000, 2);
        var bank = new Bank(3, 5);
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
        long[] expected = { 5 - swept[0] - swept[1] + returned[0] + returned[1], 5 + swept[0] - returned[0], 5 + swept[1] - returned[1] };
        for (int a = 0; a < 3; a++)
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
        const long initial = 1_000_000;
        var overlap = new Overlap(2, 2_000, 2);
        var bank = new Bank(2, initial);
        Concurrent.Run(
            () =>
            {
                for (int i = 0; overlap.Continue(0, i); i++) bank.Transfer(0, 1, 1);
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
