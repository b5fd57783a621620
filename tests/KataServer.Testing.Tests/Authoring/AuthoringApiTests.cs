using KataServer.Testing;

namespace KataServer.Testing.Tests.Authoring;

public sealed class AuthoringApiTests
{
    [Fact]
    public void EveryFindingKindHasAStableWireName()
    {
        foreach (var kind in Enum.GetValues<FindingKind>())
        {
            var name = kind.ToWireName();
            Assert.True(FindingKindNames.TryParse(name, out var parsed));
            Assert.Equal(kind, parsed);
        }

        Assert.Equal("lost-update", FindingKind.LostUpdate.ToWireName());
        Assert.Equal("not-linearizable", FindingKind.NotLinearizable.ToWireName());
        Assert.False(FindingKindNames.TryParse("explosion", out _));
    }

    [Fact]
    public void CheckEqualNamesTheKindAndBothValues()
    {
        var error = Assert.Throws<KataAssertionException>(() => Check.Equal(200L, 190L, FindingKind.LostUpdate, "money must be conserved"));

        Assert.Equal(FindingKind.LostUpdate, error.Kind);
        Assert.Equal("money must be conserved (expected 200, got 190)", error.Message);
    }

    [Fact]
    public void CheckThatPassesWhenTheConditionHolds()
    {
        Check.That(true, FindingKind.Invariant, "never thrown");
        var error = Assert.Throws<KataAssertionException>(() => Check.That(false, FindingKind.Invariant, "broken"));
        Assert.Equal(FindingKind.Invariant, error.Kind);
    }

    [Fact]
    public void RunStartsEveryBodyOnItsOwnThreadAndWaitsForAll()
    {
        var threadIds = new int[4];
        var finished = 0;

        Concurrent.Run(4, i =>
        {
            threadIds[i] = Environment.CurrentManagedThreadId;
            Thread.Sleep(10);
            Interlocked.Increment(ref finished);
        });

        Assert.Equal(4, finished);
        Assert.Equal(4, threadIds.Distinct().Count());
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threadIds);
    }

    [Fact]
    public void BodiesReallyOverlap()
    {
        // Each body waits until it has seen the other arrive: only possible if both run at once.
        var arrived = 0;
        Concurrent.Run(
            () => { Interlocked.Increment(ref arrived); SpinWait.SpinUntil(() => Volatile.Read(ref arrived) == 2); },
            () => { Interlocked.Increment(ref arrived); SpinWait.SpinUntil(() => Volatile.Read(ref arrived) == 2); });

        Assert.Equal(2, arrived);
    }

    [Fact]
    public void ABrokenRuleIsRethrownBeforeAKnockOnException()
    {
        var error = Assert.Throws<KataAssertionException>(() => Concurrent.Run(
            () => throw new InvalidOperationException("knock-on"),
            () => Check.Fail(FindingKind.Invariant, "the real problem")));

        Assert.Equal("the real problem", error.Message);
    }

    [Fact]
    public void AnExceptionFromABodyReachesTheTest()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Concurrent.Run(() => { }, () => throw new InvalidOperationException("boom")));

        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public async Task RunAsyncCompletesWhenEveryBodyHas()
    {
        var done = 0;

        await Concurrent.RunAsync(3, async _ => { await Task.Yield(); Interlocked.Increment(ref done); });

        Assert.Equal(3, done);
    }

    [Fact]
    public void TheWatchdogCanSeeTheThreadsOfTheCurrentRun()
    {
        var sawItself = false;
        Thread[] seen = [];
        Concurrent.Run(() => { seen = RealThreadsDriver.Instance.CurrentThreads.ToArray(); sawItself = seen.Contains(Thread.CurrentThread); }, () => { });

        Assert.True(sawItself);
        Assert.Equal(2, seen.Length);
        // Unnamed, as under the explorer: code cannot tell stress from exploration by its threads' names.
        Assert.All(seen, t => Assert.Null(t.Name));
    }
}
