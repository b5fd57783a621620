using KataServer.Scheduling.Interception;
using KataServer.Scheduling.Runtime;
using KataServer.Scheduling.Strategies;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

/// <summary>
/// The read-then-CAS window: a Treiber stack that recycles popped nodes has the ABA bug, which needs one thread
/// stopped between reading head.Next and its compare-and-swap while others pop twice and push the recycled node.
/// </summary>
public class CasWindowTests
{
    private sealed class Node
    {
        public int Value;
        public Node? Next;
    }

    /// <summary>A Treiber stack whose pushes reuse the caller's popped nodes (the free list is the caller's own).</summary>
    private sealed class RecyclingStack
    {
        private Node? head;

        public void Push(int value, ref Node? free)
        {
            var node = free ?? new Node();
            free = null;
            node.Value = value;
            while (true)
            {
                var h = ControlledVolatile.Read(ref head);
                SharedMemoryHooks.BeforeFieldWrite(node, "Node.Next");
                node.Next = h;
                if (ControlledInterlocked.CompareExchange(ref head, node, h) == h)
                {
                    return;
                }
            }
        }

        public int? Pop(ref Node? free)
        {
            while (true)
            {
                var h = ControlledVolatile.Read(ref head);
                if (h is null)
                {
                    return null;
                }

                SharedMemoryHooks.BeforeFieldRead(h, "Node.Next");
                var next = h.Next;
                if (ControlledInterlocked.CompareExchange(ref head, next, h) == h)
                {
                    free = h; // recycled by this thread's next push: the ABA bug
                    return h.Value;
                }
            }
        }
    }

    /// <summary>
    /// Stack [1, 2]; thread 1 pops; thread 2 pops, then pushes 3 on its recycled node; thread 3 pops. Every value
    /// must come out once (pops plus what is left). The bug: thread 1 reads head = A, A.Next = B, then threads 2 and
    /// 3 pop A and B and thread 2 pushes A again: thread 1's CAS succeeds and puts B, already popped, back on top.
    /// </summary>
    private static void AbaTest()
    {
        var stack = new RecyclingStack();
        Node? mainFree = null;
        stack.Push(2, ref mainFree);
        stack.Push(1, ref mainFree);
        var popped = new int?[4];
        var t1 = Start(() => { Node? free = null; popped[0] = stack.Pop(ref free); });
        var t2 = Start(() => { Node? free = null; popped[1] = stack.Pop(ref free); stack.Push(3, ref free); });
        var t3 = Start(() => { Node? free = null; popped[2] = stack.Pop(ref free); });
        ControlledThread.Join(t1);
        ControlledThread.Join(t2);
        ControlledThread.Join(t3);
        var all = popped.Where(v => v is not null).Select(v => v!.Value).ToList();
        Node? drainFree = null;
        for (int i = 0; i < 10 && stack.Pop(ref drainFree) is { } rest; i++)
        {
            all.Add(rest);
            drainFree = null;
        }

        all.Sort();
        if (!all.SequenceEqual([1, 2, 3]))
        {
            throw new InvalidOperationException($"ABA: popped {string.Join(", ", all)}, pushed 1, 2, 3");
        }
    }

    [Fact]
    public void WindowStrategyFindsTheAbaOfRecycledNodesOnEverySeed()
    {
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var r = ScheduleExplorer.Explore(AbaTest, Opts("window", 500, seed));
            Assert.True(r.Bug is not null, $"seed {seed}: the ABA was not found in 500 schedules");
            Assert.Contains("ABA", r.Bug!.Message);
            var replayed = ScheduleExplorer.Replay(AbaTest, r.Bug.ReplayToken, Opts("window"));
            Assert.Equal(r.Bug.Message, replayed.Bug?.Message);
        }
    }

    [Fact]
    public void PortfolioFindsTheAbaOfRecycledNodesOnEverySeed()
    {
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var r = ScheduleExplorer.Explore(AbaTest, Opts("portfolio", 2000, seed));
            Assert.True(r.Bug is not null, $"seed {seed}: the ABA was not found in 2000 schedules");
        }
    }

    [Fact]
    public void WindowStrategyPassesACorrectCasProgram()
    {
        static void Test()
        {
            int count = 0;
            void Add()
            {
                while (true)
                {
                    int seen = ControlledVolatile.Read(ref count);
                    if (ControlledInterlocked.CompareExchange(ref count, seen + 1, seen) == seen)
                    {
                        return;
                    }
                }
            }

            var threads = new[] { Start(Add), Start(Add), Start(Add) };
            foreach (var t in threads)
            {
                ControlledThread.Join(t);
            }

            if (count != 3)
            {
                throw new InvalidOperationException($"count {count}");
            }
        }

        var r = ScheduleExplorer.Explore(Test, Opts("window", 300));
        AssertNoBug(r);
        Assert.Equal(300, r.SchedulesExplored);
    }

    [Fact]
    public void PortfolioAddsTheWindowOnlyOnceTheProgramShowsACompareAndSwap()
    {
        var portfolio = new PortfolioStrategy(seed: 3, pctDepth: 3, maxPreemptions: 2);
        var a = new ControlledOperation(null!, 1, OperationKind.Thread, "thread 1", null, null);
        var b = new ControlledOperation(null!, 2, OperationKind.Thread, "thread 2", null, null);
        // Run twice through the rotation as a program without compare-and-swap would.
        var names = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            Assert.True(portfolio.PrepareNextIteration());
            names.Add(portfolio.Name);
            portfolio.NextOperation([a, b], new SchedulingContext(0, a, 0));
            portfolio.NotifyFairTail(); // as in a long schedule: DFS never exhausts the whole space
        }

        Assert.DoesNotContain("portfolio/window", names);
        a.Pending = PendingStep.CompareExchange;
        names.Clear();
        for (int i = 0; i < 5; i++)
        {
            Assert.True(portfolio.PrepareNextIteration());
            names.Add(portfolio.Name);
            portfolio.NextOperation([a, b], new SchedulingContext(0, a, 0));
            portfolio.NotifyFairTail(); // as in a long schedule: DFS never exhausts the whole space
        }

        Assert.Contains("portfolio/window", names);
    }
}
