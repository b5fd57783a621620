using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Testing.Tests.Authoring;

/// <summary>What the authoring API records so that a submission cannot pass by making the test's threads take turns
/// or by recognising a test from its numbers. (Concurrent's overlap counts are process-wide: one class, run in order.)</summary>
[Collection("Concurrent overlap counts")]
public sealed class CheatResistanceTests
{
    [Fact]
    public void ThreadsThatTakeTurnsNeverOverlap()
    {
        Concurrent.ResetOverlap();
        var arrivals = 0;
        Concurrent.Run(2, _ =>
        {
            // What a cheat does: the second thread to arrive sleeps until the first is done.
            if (Interlocked.Increment(ref arrivals) == 2) Thread.Sleep(300);
            for (var i = 0; i < 5; i++) Concurrent.OperationDone();
        });

        Assert.True(Concurrent.Overlap.NeverOverlapped, $"counted {Concurrent.Overlap}");
    }

    [Fact]
    public void ThreadsThatWaitForEachOtherOverlap()
    {
        Concurrent.ResetOverlap();
        var progress = new int[2];
        Concurrent.Run(2, t =>
        {
            // Each waits for the other's progress before going on: their operations must interleave.
            for (var i = 0; i < 5; i++)
            {
                Concurrent.OperationDone();
                Volatile.Write(ref progress[t], i + 1);
                var wait = new SpinWait();
                while (Volatile.Read(ref progress[1 - t]) < Math.Min(i + 1, 5) && i < 4) wait.SpinOnce();
            }
        });

        Assert.Equal(new OverlapCounts(1, 1), Concurrent.Overlap);
        Assert.False(Concurrent.Overlap.NeverOverlapped);
    }

    [Fact]
    public async Task AsynchronousBodiesThatTakeTurnsNeverOverlap()
    {
        Concurrent.ResetOverlap();
        // A run counts when a body was held back by the code (it awaited before its first operation); a few runs, in case
        // the first body was done before the second had even arrived.
        for (var run = 0; run < 5; run++)
        {
            var arrivals = 0;
            var firstDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await Concurrent.RunAsync(2, async _ =>
            {
                // The cheat in asynchronous code: the second body to arrive awaits until the first is done.
                var second = Interlocked.Increment(ref arrivals) == 2;
                if (second) await firstDone.Task;
                for (var i = 0; i < 5; i++)
                {
                    Concurrent.OperationDone();
                    await Task.Yield();
                }
                if (!second) firstDone.SetResult();
            });
        }

        Assert.True(Concurrent.Overlap.NeverOverlapped, $"counted {Concurrent.Overlap}");
    }

    [Fact]
    public async Task AsynchronousBodiesThatWaitForEachOtherOverlap()
    {
        Concurrent.ResetOverlap();
        var progress = new int[2];
        await Concurrent.RunAsync(2, async t =>
        {
            for (var i = 0; i < 5; i++)
            {
                Concurrent.OperationDone();
                Volatile.Write(ref progress[t], i + 1);
                while (Volatile.Read(ref progress[1 - t]) < i + 1 && i < 4) await Task.Yield();
            }
        });

        Assert.Equal(new OverlapCounts(1, 1), Concurrent.Overlap);
    }

    [Fact]
    public void RunsWithoutMarksOrWithOneOperationEachJudgeNothing()
    {
        Concurrent.ResetOverlap();
        Concurrent.Run(2, _ => Thread.Sleep(10));
        Concurrent.Run(2, _ => Concurrent.OperationDone());
        Concurrent.OperationDone(); // outside a run: ignored

        Assert.Equal(new OverlapCounts(0, 0), Concurrent.Overlap);
    }

    [Fact]
    public void AFailedCheckSwallowedByTheCodeIsStillReported()
    {
        Check.TakeBroken();
        // What learner code may do with a test's callback (a job, a factory) that found a broken rule: swallow it.
        void LearnerRuns(Action job)
        {
            try { job(); }
            catch (Exception) { }
        }

        LearnerRuns(() => Check.Equal(1, 2, FindingKind.Invariant, "job 7 ran twice"));
        LearnerRuns(() => Check.Fail(FindingKind.Assertion, "a later one"));

        var broken = Check.TakeBroken();
        Assert.NotNull(broken);
        Assert.StartsWith("job 7 ran twice", broken.Message); // the first rule broken is the one reported
        Assert.Null(Check.TakeBroken());
    }

    [Fact]
    public void TestDataIsTheSameWithinAGradeAndDiffersBetweenGrades()
    {
        long[] Draw(ulong seed, string test)
        {
            TestData.Begin(seed, test);
            return [TestData.Int(2, 64), TestData.Long(1, 1_000_000_000), TestData.Int(0, 1)];
        }

        Assert.Equal(Draw(42, "Opposite"), Draw(42, "Opposite"));
        Assert.NotEqual(Draw(42, "Opposite"), Draw(43, "Opposite"));
        Assert.NotEqual(Draw(42, "Opposite"), Draw(42, "Snapshots"));
        TestData.Begin(7, "t");
        for (var i = 0; i < 1000; i++) Assert.InRange(TestData.Int(3, 5), 3, 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => TestData.Int(5, 3));
    }

    [Fact]
    public void AReplayTokenCarriesTheDataSeed()
    {
        var token = ReplayTokens.Format("OppositeTransfers", 0xABCDEFUL, "ks1.AAEC");
        var (test, schedule) = ReplayTokens.Parse(token);

        Assert.Equal("OppositeTransfers", test);
        Assert.Equal((0xABCDEFUL, "ks1.AAEC"), ReplayTokens.SplitDataSeed(schedule));
        Assert.Equal((0UL, "ks1.AAEC"), ReplayTokens.SplitDataSeed("ks1.AAEC")); // a token without a seed
        Assert.Equal((0UL, "dzz.ks1"), ReplayTokens.SplitDataSeed("dzz.ks1"));   // not hex: left alone (the engine rejects it)
    }
}
