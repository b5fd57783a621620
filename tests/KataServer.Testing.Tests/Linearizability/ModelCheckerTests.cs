using KataServer.Testing.Linearizability;
using static KataServer.Testing.Tests.Linearizability.CheckerTestHelpers;

namespace KataServer.Testing.Tests.Linearizability;

public class StackCheckerTests
{
    private static readonly StackModel Model = new();

    [Fact]
    public void SequentialStackHistoryIsLinearizable()
    {
        var h = new HistoryBuilder()
            .Op(0, "Push", 1, null).Op(0, "Push", 2, null)
            .Op(0, "TryPop", null, (true, 2)).Op(0, "TryPop", null, (true, 1))
            .Op(0, "TryPop", null, (false, 0)).Op(0, "IsEmpty", null, true)
            .Build();
        AssertLinearizable(Model, h);
    }

    [Fact]
    public void ConcurrentPopsOfOneItemBothSucceedingIsNotLinearizable()
    {
        var b = new HistoryBuilder().Name(9, "init");
        b.Op(9, "Push", 1, null);
        var p1 = b.Call(1, "TryPop");
        var p2 = b.Call(2, "TryPop");
        b.Return(p1, (true, 1)).Return(p2, (true, 1));
        var result = AssertNotLinearizable(Model, b.Build());

        Assert.Equal(2, result.Linearization.Count);
        Assert.Equal("Push", result.Linearization[0].Name);
        Assert.Equal("TryPop", result.Unexplained!.Name);
        Assert.Contains("no sequential order of these operations can produce these results", result.Explanation, StringComparison.Ordinal);
        Assert.Contains("TryPop() -> (true, 1)", result.Explanation, StringComparison.Ordinal);
        Assert.Contains("stack is empty", result.Explanation, StringComparison.Ordinal);
        Assert.Contains("In short: thread 2: TryPop() returned (true, 1), but 1 was also popped by thread 1 and was pushed only once.", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void DiagnosisNamesValuesPoppedTwiceOrNeverPushed()
    {
        var b = new HistoryBuilder();
        b.Op(0, "Push", 1, null).Op(1, "TryPop", null, (true, 1)).Op(2, "TryPop", null, (true, 1));
        var twice = AssertNotLinearizable(Model, b.Build());
        Assert.Equal("thread 2: TryPop() returned (true, 1), but 1 had already been popped by thread 1 and was pushed only once.", twice.Diagnosis);

        var never = AssertNotLinearizable(Model, new HistoryBuilder().Op(0, "Push", 1, null).Op(1, "TryPop", null, (true, 7)).Build());
        Assert.Equal("thread 1: TryPop() returned (true, 7), but 7 was never pushed.", never.Diagnosis);

        var early = new HistoryBuilder().Op(1, "TryPop", null, (true, 3)).Op(0, "Push", 3, null).Build();
        Assert.StartsWith("thread 1: TryPop() returned (true, 3) before 3 was pushed", AssertNotLinearizable(Model, early).Diagnosis, StringComparison.Ordinal);

        // A pending push of the value is an add too: no diagnosis, the search decides.
        var pending = new HistoryBuilder();
        pending.Call(0, "Push", 4);
        pending.Op(1, "TryPop", null, (true, 4));
        Assert.Null(LinearizabilityChecker.Check(Model, pending.Build()).Diagnosis);
    }

    [Fact]
    public void DiagnosisProvesAViolationWhenTheSearchRunsOutOfBudget()
    {
        var b = new HistoryBuilder();
        for (var i = 0; i < 200; i++)
        {
            var p = b.Call(i % 4, "Push", i);
            var q = b.Call((i + 1) % 4 + 4, "Push", i + 1000);
            b.Return(p).Return(q);
        }

        b.Op(9, "TryPop", null, (true, 5)).Op(10, "TryPop", null, (true, 5));
        var result = LinearizabilityChecker.Check(Model, b.Build(), new CheckOptions { MaxSteps = 50 });
        Assert.True(result.IsViolation, result.Explanation);
        Assert.Contains("In short: thread 10: TryPop() returned (true, 5), but 5 had already been popped by thread 9", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void NeedsBacktrackingWhenFirstCandidateOrderFails()
    {
        // push(1) and push(2) overlap; the pop that follows returns 1, so push(2) must come first.
        // The search tries push(1) first (earlier call), fails at the pop, and must backtrack.
        var b = new HistoryBuilder();
        var a = b.Call(1, "Push", 1);
        var c = b.Call(2, "Push", 2);
        b.Return(a).Return(c);
        b.Op(1, "TryPop", null, (true, 1)).Op(2, "TryPop", null, (true, 2)).Op(1, "TryPop", null, (false, 0));
        AssertLinearizable(Model, b.Build());
    }

    [Fact]
    public void DeepBacktracking()
    {
        // Three overlapping pushes, then pops that fix the order 3,1,2 of pushes (popped 2,1,3).
        var b = new HistoryBuilder();
        var h1 = b.Call(1, "Push", 1);
        var h2 = b.Call(2, "Push", 2);
        var h3 = b.Call(3, "Push", 3);
        b.Return(h1).Return(h2).Return(h3);
        b.Op(1, "TryPop", null, (true, 2)).Op(1, "TryPop", null, (true, 1)).Op(1, "TryPop", null, (true, 3));
        AssertLinearizable(Model, b.Build());
    }

    [Fact]
    public void PopOfValueNeverPushedIsNotLinearizable()
    {
        var h = new HistoryBuilder().Op(0, "Push", 1, null).Op(1, "TryPop", null, (true, 5)).Build();
        AssertNotLinearizable(Model, h);
    }

    [Fact]
    public void EmptyPopWhileStackCannotBeEmptyIsNotLinearizable()
    {
        var b = new HistoryBuilder();
        b.Op(0, "Push", 1, null);
        var pop = b.Call(1, "TryPop");
        var push = b.Call(2, "Push", 2);
        b.Return(pop, (false, 0)).Return(push);
        AssertNotLinearizable(Model, b.Build());
    }

    [Fact]
    public void PendingPushMayTakeEffect()
    {
        var b = new HistoryBuilder();
        b.Call(1, "Push", 7); // never returns
        b.Op(2, "TryPop", null, (true, 7));
        AssertLinearizable(Model, b.Build());
    }

    [Fact]
    public void PendingPushMayNotTakeEffect()
    {
        var b = new HistoryBuilder();
        b.Call(1, "Push", 7); // never returns
        b.Op(2, "TryPop", null, (false, 0)).Op(2, "IsEmpty", null, true);
        AssertLinearizable(Model, b.Build());
    }

    [Fact]
    public void PendingPushCannotExplainOtherValue()
    {
        var b = new HistoryBuilder();
        b.Call(1, "Push", 7);
        b.Op(2, "TryPop", null, (true, 8));
        AssertNotLinearizable(Model, b.Build());
    }

    [Fact]
    public void PendingPopMayHaveRemovedTheItem()
    {
        var b = new HistoryBuilder();
        b.Op(0, "Push", 1, null);
        b.Call(1, "TryPop"); // stuck after taking effect
        b.Op(2, "IsEmpty", null, true);
        AssertLinearizable(Model, b.Build());
    }

    [Fact]
    public void ThrowingPopOnEmptyIsAccepted()
    {
        var h = new HistoryBuilder().Op(0, "Pop", null, Thrown.From(new InvalidOperationException("empty"))).Op(0, "Push", 3, null).Op(0, "Pop", null, 3).Build();
        AssertLinearizable(Model, h);
    }

    [Fact]
    public void RecordedNumbersOfOtherTypesCompareByValue()
    {
        var h = new HistoryBuilder().Op(0, "Push", 1, null).Op(0, "TryPop", null, (true, 1L)).Op(0, "Count", null, 0L).Build();
        AssertLinearizable(Model, h);
    }
}

public class QueueCheckerTests
{
    private static readonly QueueModel Model = new();

    [Fact]
    public void FifoOrderIsLinearizable()
    {
        var b = new HistoryBuilder();
        var e1 = b.Call(1, "Enqueue", 1);
        var e2 = b.Call(2, "Enqueue", 2);
        b.Return(e2).Return(e1);
        b.Op(3, "TryDequeue", null, (true, 2)).Op(3, "TryDequeue", null, (true, 1)).Op(3, "Count", null, 0);
        AssertLinearizable(Model, b.Build());
    }

    [Fact]
    public void LifoOrderOfSequentialEnqueuesIsNotLinearizable()
    {
        var h = new HistoryBuilder()
            .Op(1, "Enqueue", 1, null).Op(2, "Enqueue", 2, null)
            .Op(3, "TryDequeue", null, (true, 2)).Build();
        var result = AssertNotLinearizable(Model, h);
        Assert.Contains("queue is [1, 2] (front first)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateDequeueIsNotLinearizable()
    {
        var b = new HistoryBuilder();
        b.Op(0, "Enqueue", 1, null).Op(0, "Enqueue", 2, null);
        var d1 = b.Call(1, "TryDequeue");
        var d2 = b.Call(2, "TryDequeue");
        b.Return(d1, (true, 1)).Return(d2, (true, 1));
        AssertNotLinearizable(Model, b.Build());
    }

    [Fact]
    public void CountSeesConcurrentEnqueueOrNot()
    {
        var b = new HistoryBuilder();
        var e = b.Call(1, "Enqueue", 5);
        var c1 = b.Call(2, "Count");
        b.Return(c1, 1);
        var c2 = b.Call(2, "Count");
        b.Return(c2, 0); // count went back down without a dequeue
        b.Return(e);
        AssertNotLinearizable(Model, b.Build());
    }
}

public class CounterCheckerTests
{
    private static readonly CounterModel Model = new();

    [Fact]
    public void ConcurrentIncrementsThenExactTotal()
    {
        var b = new HistoryBuilder();
        var i1 = b.Call(1, "Increment");
        var i2 = b.Call(2, "Increment");
        var g = b.Call(3, "Get");
        b.Return(g, 1).Return(i1).Return(i2);
        b.Op(3, "Get", null, 2);
        AssertLinearizable(Model, b.Build());
    }

    [Fact]
    public void LostIncrementIsNotLinearizable()
    {
        var b = new HistoryBuilder();
        var i1 = b.Call(1, "Increment");
        var i2 = b.Call(2, "Increment");
        b.Return(i1).Return(i2);
        b.Op(3, "Get", null, 1);
        var result = AssertNotLinearizable(Model, b.Build());
        Assert.Contains("counter is value 2", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void IncrementReturningNewValuesMustBeDistinct()
    {
        var b = new HistoryBuilder();
        var i1 = b.Call(1, "Increment");
        var i2 = b.Call(2, "Increment");
        b.Return(i1, 1L).Return(i2, 1L);
        AssertNotLinearizable(Model, b.Build());
        var ok = new HistoryBuilder();
        var j1 = ok.Call(1, "Increment");
        var j2 = ok.Call(2, "Add", 5);
        ok.Return(j1, 6L).Return(j2, 5L);
        AssertLinearizable(Model, ok.Build());
    }
}

public class RegisterCheckerTests
{
    private static readonly RegisterModel Model = new(0);

    [Fact]
    public void ReadsOverlappingAWriteMaySeeEitherValueButNotGoBack()
    {
        var b = new HistoryBuilder();
        var w = b.Call(1, "Write", 1);
        b.Op(2, "Read", null, 1);
        b.Op(3, "Read", null, 0);
        b.Return(w);
        AssertNotLinearizable(Model, b.Build());

        var ok = new HistoryBuilder();
        var w2 = ok.Call(1, "Write", 1);
        ok.Op(2, "Read", null, 0);
        ok.Op(3, "Read", null, 1);
        ok.Return(w2);
        AssertLinearizable(Model, ok.Build());
    }

    [Fact]
    public void TwoSuccessfulCasFromSameValueIsNotLinearizable()
    {
        var b = new HistoryBuilder();
        var c1 = b.Call(1, "Cas", (0, 1));
        var c2 = b.Call(2, "Cas", (0, 2));
        b.Return(c1, true).Return(c2, true);
        AssertNotLinearizable(Model, b.Build());
    }

    [Fact]
    public void CasChainIsLinearizable()
    {
        var b = new HistoryBuilder();
        var c1 = b.Call(1, "Cas", (1, 2));
        var c2 = b.Call(2, "Cas", (0, 1));
        var c3 = b.Call(3, "Cas", (0, 5));
        b.Return(c1, true).Return(c2, true).Return(c3, false);
        b.Op(1, "Read", null, 2);
        AssertLinearizable(Model, b.Build());
    }
}

public class MapCheckerTests
{
    private static readonly MapModel Model = new();

    [Fact]
    public void IndependentKeysArePartitioned()
    {
        var b = new HistoryBuilder();
        var p1 = b.Call(1, "Put", ("a", 1));
        var p2 = b.Call(2, "Put", ("b", 2));
        b.Return(p1).Return(p2);
        b.Op(1, "Get", "b", (true, 2)).Op(2, "Get", "a", (true, 1)).Op(3, "Get", "c", (false, 0));
        var result = AssertLinearizable(Model, b.Build());
        Assert.Equal(3, result.Partitions);
    }

    [Fact]
    public void ViolationOnOneKeyIsReportedForThatKey()
    {
        var b = new HistoryBuilder();
        b.Op(1, "Put", ("a", 1), null).Op(1, "Put", ("b", 1), null);
        var t1 = b.Call(1, "TryAdd", ("k", 1));
        var t2 = b.Call(2, "TryAdd", ("k", 2));
        b.Return(t1, true).Return(t2, true);
        b.Op(3, "Get", "a", (true, 1));
        var result = AssertNotLinearizable(Model, b.Build());
        Assert.Equal(3, result.Partitions);
        Assert.All(result.FailingPartition, o => Assert.Equal("k", o.ToCall().Arg(0)));
        Assert.Contains("same key", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void CountDisablesPartitioning()
    {
        var b = new HistoryBuilder();
        var p1 = b.Call(1, "Put", ("a", 1));
        var p2 = b.Call(2, "Put", ("b", 2));
        b.Return(p1).Return(p2);
        b.Op(1, "Count", null, 2).Op(2, "Remove", "a", true).Op(2, "Remove", "a", false).Op(1, "Count", null, 1);
        var result = AssertLinearizable(Model, b.Build());
        Assert.Equal(1, result.Partitions);
        AssertNotLinearizable(Model, new HistoryBuilder().Op(1, "Put", ("a", 1), null).Op(1, "Count", null, 2).Build());
    }

    [Fact]
    public void GetOfRemovedKeyIsNotLinearizable()
    {
        var h = new HistoryBuilder().Op(1, "Put", ("a", 1), null).Op(2, "Remove", "a", true).Op(1, "Get", "a", (true, 1)).Build();
        AssertNotLinearizable(Model, h);
    }
}

public class SetCheckerTests
{
    private static readonly SetModel Model = new();

    [Fact]
    public void ConcurrentAddsOfSameItemOnlyOneWins()
    {
        var b = new HistoryBuilder();
        var a1 = b.Call(1, "Add", 3);
        var a2 = b.Call(2, "Add", 3);
        b.Return(a1, false).Return(a2, true);
        b.Op(1, "Contains", 3, true).Op(1, "Count", null, 1);
        AssertLinearizable(Model, b.Build());

        var bad = new HistoryBuilder();
        var x1 = bad.Call(1, "Add", 3);
        var x2 = bad.Call(2, "Add", 3);
        bad.Return(x1, true).Return(x2, true);
        AssertNotLinearizable(Model, bad.Build());
    }

    [Fact]
    public void RemoveAfterRemove()
    {
        var h = new HistoryBuilder().Op(1, "Add", 1, true).Op(1, "Remove", 1, true).Op(2, "Remove", 1, true).Build();
        AssertNotLinearizable(Model, h);
    }
}

public class BoundedBufferCheckerTests
{
    [Fact]
    public void PutCannotCompleteWhileFull()
    {
        var model = new BoundedBufferModel(1);
        var h = new HistoryBuilder().Op(1, "Put", 1, null).Op(1, "Put", 2, null).Build();
        var result = AssertNotLinearizable(model, h);
        Assert.Contains("buffer of capacity 1", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockedPutCompletesAfterConcurrentTake()
    {
        var model = new BoundedBufferModel(1);
        var b = new HistoryBuilder();
        b.Op(1, "Put", 1, null);
        var put = b.Call(1, "Put", 2); // blocks until the take
        b.Op(2, "Take", null, 1);
        b.Return(put);
        b.Op(2, "Count", null, 1).Op(2, "Take", null, 2);
        AssertLinearizable(model, b.Build());
    }

    [Fact]
    public void PendingTakeOnEmptyBufferIsFine()
    {
        var model = new BoundedBufferModel(2);
        var b = new HistoryBuilder();
        b.Call(1, "Take"); // blocked forever on an empty buffer
        b.Op(2, "Count", null, 0);
        AssertLinearizable(model, b.Build());
    }

    [Fact]
    public void TakeStuckWhileAnItemIsThereIsALostWakeUpWhenPendingMustBeBlocked()
    {
        var model = new BoundedBufferModel(2);
        var b = new HistoryBuilder();
        b.Call(1, "Take"); // never returns...
        b.Op(2, "Put", 1, null).Op(2, "Put", 2, null); // ...although two items arrive
        b.Op(2, "Take", null, 1).Op(2, "Count", null, 1); // item 2 is still there at the end
        var history = b.Build();

        // By default a pending call may simply not have taken effect.
        Assert.True(LinearizabilityChecker.Check(model, history).IsLinearizable);

        var strict = LinearizabilityChecker.Check(model, history, new CheckOptions { PendingMustBeBlocked = true });
        Assert.True(strict.IsViolation, strict.Explanation);
        Assert.True(strict.Unexplained!.IsPending);
        Assert.Contains("thread 1: Take() never returned, although it could have completed", strict.Explanation, StringComparison.Ordinal);

        // Stuck on an empty buffer is fine even when strict.
        var empty = new HistoryBuilder();
        empty.Call(1, "Take");
        empty.Op(2, "Put", 1, null).Op(2, "Take", null, 1);
        Assert.True(LinearizabilityChecker.Check(model, empty.Build(), new CheckOptions { PendingMustBeBlocked = true }).IsLinearizable);

        // A stuck Put into a full buffer is fine; a stuck Put with room is not.
        var full = new HistoryBuilder();
        full.Op(1, "Put", 1, null).Op(1, "Put", 2, null);
        full.Call(2, "Put", 3);
        Assert.True(LinearizabilityChecker.Check(model, full.Build(), new CheckOptions { PendingMustBeBlocked = true }).IsLinearizable);
        var room = new HistoryBuilder();
        room.Op(1, "Put", 1, null);
        room.Call(2, "Put", 3);
        room.Op(1, "Take", null, 1);
        room.Op(1, "Count", null, 0);
        Assert.True(LinearizabilityChecker.Check(model, room.Build(), new CheckOptions { PendingMustBeBlocked = true }).IsViolation);
    }

    [Fact]
    public void TakeReturnsInFifoOrder()
    {
        var model = new BoundedBufferModel(4);
        var h = new HistoryBuilder().Op(1, "Put", 1, null).Op(1, "Put", 2, null).Op(2, "Take", null, 2).Build();
        AssertNotLinearizable(model, h);
    }
}

public class DelegateModelTests
{
    [Fact]
    public void ModelFromDelegateInAFewLines()
    {
        // A max-register: Write(x) keeps the max; Read returns it.
        var model = Model.FromDelegate(0, (int s, ModelCall c) =>
            c.Is("Write") ? (true, Math.Max(s, (int)c.Argument!)) : (c.Returned(s), s), name: "max-register");
        var b = new HistoryBuilder();
        var w = b.Call(1, "Write", 5);
        b.Op(2, "Write", 3, null).Op(2, "Read", null, 3);
        b.Return(w);
        b.Op(2, "Read", null, 5);
        AssertLinearizable(model, b.Build());

        var bad = new HistoryBuilder().Op(1, "Write", 5, null).Op(2, "Write", 3, null).Op(2, "Read", null, 3).Build();
        var result = AssertNotLinearizable(model, bad);
        Assert.Contains("max-register", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOperationIsAnAuthorError()
    {
        var h = new HistoryBuilder().Op(0, "Shove", 1, null).Build();
        var e = Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check(new StackModel(), h));
        Assert.Contains("Shove", e.Message, StringComparison.Ordinal);
    }
}
