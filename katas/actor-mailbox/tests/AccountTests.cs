using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using KataServer.Testing;

namespace KataTests;

public static class AccountTests
{
    // Real threads need many letters per iteration for a race to show; the schedule explorer
    // needs few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

    /// <summary>Awaits a task that must fail with InvalidOperationException (a letter sent after StopAsync).</summary>
    private static async Task ExpectRefused(Task task, string what)
    {
        try
        {
            await task;
            Check.Fail(FindingKind.Assertion, $"{what} after StopAsync must fail with InvalidOperationException, but it succeeded");
        }
        catch (InvalidOperationException) { }
    }

    [KataTest(Description = "On one thread: deposits are applied, a balance sent after a deposit includes it, StopAsync returns the final balance, letters after it are refused.")]
    public static async Task SequentialLetters()
    {
        // The amounts change from grade to grade: the code cannot recognise the test by them.
        decimal first = TestData.Int(1, 500), second = TestData.Int(1, 5_000) / 10m, third = TestData.Int(1, 5_000) / 100m;
        var account = new Account();
        Check.Equal(0m, await account.BalanceAsync(), FindingKind.Assertion, "A new account must have a balance of 0");
        await account.DepositAsync(first);
        await account.DepositAsync(second);
        Check.Equal(first + second, await account.BalanceAsync(), FindingKind.Assertion, $"After depositing {first} and {second}, the balance is wrong");
        Task notAwaited = account.DepositAsync(third);
        Check.Equal(first + second + third, await account.BalanceAsync(), FindingKind.Assertion,
            $"A balance sent right after a deposit of {third} (not awaited) must include it: letters from one sender are handled in the order sent");
        await notAwaited;
        Check.Equal(first + second + third, await account.StopAsync(), FindingKind.Assertion, "StopAsync must complete with the final balance");
        await ExpectRefused(account.DepositAsync(1m), "A DepositAsync sent");
        await ExpectRefused(account.BalanceAsync(), "A BalanceAsync sent");
    }

    [KataTest(Description = "Three senders deposit at the same time: once every deposit has completed, the balance counts them all.")]
    public static async Task ConcurrentDepositsAreAllApplied()
    {
        const int senders = 3;
        int perSender = Scale(TestData.Int(700, 1_300), 2);
        decimal amount = TestData.Int(1, 99) / 4m;
        var account = new Account();
        await Concurrent.RunAsync(senders, async s =>
        {
            var pending = new List<Task>(perSender);
            for (int i = 0; i < perSender; i++)
            {
                pending.Add(account.DepositAsync(amount));
                Concurrent.OperationDone(); // lets the runner see whether the senders really overlapped
            }
            await Task.WhenAll(pending);
        });
        decimal expected = senders * perSender * amount;
        Check.Equal(expected, await account.BalanceAsync(), FindingKind.LostUpdate,
            $"{senders} senders each deposited {amount}, {perSender} times, and every deposit completed: the balance must count them all");
        Check.Equal(expected, await account.StopAsync(), FindingKind.LostUpdate, "StopAsync must complete with the final balance");
    }

    [KataTest(Description = "Two senders each send a deposit then a balance, without awaiting in between: each balance includes every deposit its sender sent before it.")]
    public static async Task LettersFromOneSenderStayInOrder()
    {
        int rounds = Scale(TestData.Int(300, 700), 2); // below 1,000: sender 0's part of a balance stays under 1,000
        var account = new Account();
        await Concurrent.RunAsync(2, async s =>
        {
            decimal mine = 0m;
            for (int i = 0; i < rounds; i++)
            {
                decimal amount = s == 0 ? 1m : 1000m;
                Task deposit = account.DepositAsync(amount);
                mine += amount;
                decimal seen = await account.BalanceAsync();
                decimal ownPart = s == 0 ? seen % 1000m : Math.Floor(seen / 1000m) * 1000m;
                Check.That(ownPart == mine, FindingKind.Invariant,
                    $"Sender {s} had deposited {mine} in all, then sent BalanceAsync, which returned {seen}: it must include every deposit the sender sent before it, and each exactly once");
                await deposit;
                Concurrent.OperationDone();
            }
        });
        await account.StopAsync();
    }

    [KataTest(Description = "A sender drops letters in the mailbox without waiting, then stops the account: StopAsync handles every one of them first.")]
    public static async Task StopDrainsTheMailbox()
    {
        // One sender: nothing to overlap, so no operations are marked.
        int letters = Scale(TestData.Int(300, 700), 3);
        var account = new Account();
        decimal expected = 0m;
        var pending = new List<Task>(letters);
        await Concurrent.RunAsync(async () =>
        {
            for (int i = 1; i <= letters; i++)
            {
                pending.Add(account.DepositAsync(i));
                expected += i;
            }
            decimal final = await account.StopAsync();
            Check.Equal(expected, final, FindingKind.LostUpdate,
                $"{letters} deposits were sent before StopAsync: its final balance must include all of them");
            await Task.WhenAll(pending);
        });
    }

    [KataTest(Description = "Two senders deposit while a third stops the account: every deposit is either applied (and in the final balance) or refused, never lost.")]
    public static async Task StopRacingDeposits()
    {
        int perSender = Scale(TestData.Int(300, 700), 2);
        decimal[] amounts = { TestData.Int(1, 50), TestData.Int(51, 100) * 10m };
        var account = new Account();
        var applied = new decimal[2];
        decimal final = -1m;
        await Concurrent.RunAsync(3, async t =>
        {
            if (t == 2)
            {
                final = await account.StopAsync();
                return;
            }
            var sent = new List<(Task Task, decimal Amount)>(perSender);
            for (int i = 0; i < perSender; i++)
            {
                decimal amount = amounts[t];
                sent.Add((account.DepositAsync(amount), amount));
                Concurrent.OperationDone();
            }
            foreach (var (task, amount) in sent)
            {
                try
                {
                    await task;
                    applied[t] += amount;
                }
                catch (InvalidOperationException) { }
            }
        });
        Check.Equal(applied[0] + applied[1], final, FindingKind.LostUpdate,
            $"Deposits worth {applied[0] + applied[1]} completed successfully, but StopAsync returned a final balance of {final}: an applied deposit is missing, or a refused one was counted");
    }

    [KataTest(Description = "Two senders ask for the balance while a third stops the account: every reply comes, either the balance or InvalidOperationException.")]
    public static async Task StopRacingBalances()
    {
        int perSender = Scale(TestData.Int(300, 700), 2);
        decimal deposit = TestData.Int(1, 999) / 10m;
        var account = new Account();
        await account.DepositAsync(deposit);
        var replies = new List<decimal>[] { new(), new() };
        decimal final = -1m;
        await Concurrent.RunAsync(3, async t =>
        {
            if (t == 2)
            {
                final = await account.StopAsync();
                return;
            }
            var sent = new List<Task<decimal>>(perSender);
            for (int i = 0; i < perSender; i++)
            {
                sent.Add(account.BalanceAsync());
                Concurrent.OperationDone();
            }
            foreach (var task in sent)
            {
                try
                {
                    replies[t].Add(await task);
                }
                catch (InvalidOperationException) { }
            }
        });
        foreach (var balance in replies[0].Concat(replies[1]))
            Check.Equal(deposit, balance, FindingKind.Assertion, $"The only deposit ({deposit}) was applied before the race: every balance reply must be {deposit}");
        Check.Equal(deposit, final, FindingKind.Assertion, $"The only deposit ({deposit}) was applied before the race: StopAsync's final balance must be {deposit}");
    }
}
