using KataServer.Scheduling.Interception;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

/// <summary>
/// Calls on List, Dictionary, Queue, Stack and HashSet are single steps, so a race inside one can only be seen as
/// two calls on the same collection overlapping: a change and any other use at once is a data race, with both calls
/// named, reported when the exploration finds nothing worse.
/// </summary>
public class CollectionRaceTests
{
    private static void Both(Action first, Action second)
    {
        var a = Start(first);
        var b = Start(second);
        ControlledThread.Join(a);
        ControlledThread.Join(b);
    }

    [Fact]
    public void TwoUnlockedAddsToOneListAreReported()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var list = new List<int>();
            Both(() => ControlledList<int>.Add(list, 1), () => ControlledList<int>.Add(list, 2));
        }, Opts("portfolio", 200));

        Assert.NotNull(r.Bug);
        Assert.Equal(BugKind.DataRace, r.Bug!.Kind);
        Assert.Contains("Two threads used the same List<Int32> at once", r.Bug.Message);
        Assert.Contains("List.Add", r.Bug.Message);
        // The trace ends at the race and shows both threads there, the one inside the call and the one calling.
        Assert.StartsWith("data race: List.Add while ", r.Bug.Trace[^1].Action);
        Assert.Equal("inside List.Add (not returned yet)", r.Bug.Trace[^2].Action);
        Assert.NotEqual(r.Bug.Trace[^1].OperationId, r.Bug.Trace[^2].OperationId);
    }

    [Fact]
    public void ARaceReplaysToTheSameFindingEveryTime()
    {
        static void Program()
        {
            var list = new List<int>();
            Both(() => ControlledList<int>.Add(list, 1), () => ControlledList<int>.Remove(list, 1));
        }

        var found = ScheduleExplorer.Explore(Program, Opts("random", 200, seed: 7)).Bug;
        Assert.NotNull(found);
        for (var i = 0; i < 20; i++)
        {
            var again = ScheduleExplorer.Replay(Program, found!.ReplayToken, Opts()).Bug;
            Assert.NotNull(again);
            Assert.Equal(BugKind.DataRace, again!.Kind);
            Assert.Equal(found.Message, again.Message);
            Assert.Equal(found.Trace.Count, again.Trace.Count);
        }
    }

    [Fact]
    public void WhatTheRaceLeadsToIsReportedWhenATestSeesIt()
    {
        // Both threads read then write one entry without a lock: some schedules only overlap the calls, others also
        // lose an increment, which the assertion sees. The lost increment is the finding, not the overlap.
        var r = ScheduleExplorer.Explore(() =>
        {
            var hits = new Dictionary<string, int> { ["page"] = 0 };
            void Hit()
            {
                ControlledDictionary<string, int>.TryGetValue(hits, "page", out var seen);
                ControlledDictionary<string, int>.set_Item(hits, "page", seen + 1);
            }

            Both(Hit, Hit);
            if (hits["page"] != 2) throw new InvalidOperationException($"lost a hit: {hits["page"]} of 2");
        }, Opts("portfolio", 300));

        Assert.NotNull(r.Bug);
        Assert.Equal(BugKind.Exception, r.Bug!.Kind);
        Assert.Contains("lost a hit", r.Bug.Message);
    }

    [Fact]
    public void ADictionaryReadDuringAnUnlockedChangeIsReported()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var map = new Dictionary<string, int>();
            var gate = new object();
            Both(
                () => { lock (gate) ControlledDictionary<string, int>.set_Item(map, "a", 1); },
                () => ControlledDictionary<string, int>.TryGetValue(map, "a", out _));
        }, Opts("portfolio", 200));

        Assert.NotNull(r.Bug);
        Assert.Contains("Dictionary.TryGetValue", r.Bug!.Message);
        Assert.Contains("Dictionary[key] =", r.Bug.Message);
    }

    [Fact]
    public void CallsUnderOneLockAreNotReported()
    {
        AssertNoBug(ScheduleExplorer.Explore(() =>
        {
            var queue = new Queue<int>();
            var gate = new object();
            void Use(int item)
            {
                bool taken = false;
                ControlledMonitor.Enter(gate, ref taken);
                ControlledQueue<int>.Enqueue(queue, item);
                ControlledQueue<int>.TryPeek(queue, out _);
                ControlledQueue<int>.TryDequeue(queue, out _);
                ControlledMonitor.Exit(gate);
            }

            Both(() => Use(1), () => Use(2));
        }, Opts("portfolio", 300)));
    }

    [Fact]
    public void ConcurrentReadsAndCountAreNotReported()
    {
        AssertNoBug(ScheduleExplorer.Explore(() =>
        {
            var set = new HashSet<int> { 1, 2 };
            var list = new List<int>();
            var gate = new object();
            Both(
                () => { ControlledHashSet<int>.Contains(set, 1); ControlledList<int>.get_Count(list); },
                () => { ControlledHashSet<int>.Contains(set, 2); lock (gate) ControlledList<int>.Add(list, 1); });
        }, Opts("portfolio", 300)));
    }

    [Fact]
    public void AChangeThatThrowsLeavesNoMark()
    {
        AssertNoBug(ScheduleExplorer.Explore(() =>
        {
            var map = new Dictionary<int, int> { [1] = 1 };
            Assert.Throws<ArgumentException>(() => ControlledDictionary<int, int>.Add(map, 1, 2));
            var t = Start(() => ControlledDictionary<int, int>.ContainsKey(map, 1));
            ControlledThread.Join(t);
        }, Opts("portfolio", 50)));
    }
}
