using System.Collections.Generic;
using System.Threading;
using KataServer.Testing;
using KataServer.Testing.Linearizability;

namespace KataTests;

public static class LockFreeStackTests
{
    // Real threads need many operations per iteration for a race to show; the schedule explorer
    // needs few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

    private static int Item(int thread, int seq) => (thread + 1) * 1_000_000 + seq;

    /// <summary>Pops everything left, on one thread.</summary>
    private static List<int> Drain(LockFreeStack<int> stack)
    {
        var rest = new List<int>();
        while (stack.TryPop(out int item)) rest.Add(item);
        return rest;
    }

    private static string Name(int item) =>
        item < 1_000_000 ? $"the value {item}, which no thread pushed (an empty slot or a default value)," : $"item {item % 1_000_000} of thread {item / 1_000_000 - 1}";

    /// <summary>Every item pushed must have been popped exactly once.</summary>
    private static void CheckEachOnce(IEnumerable<int> pushed, IEnumerable<List<int>> popped)
    {
        var remaining = new HashSet<int>(pushed);
        foreach (var list in popped)
            foreach (int item in list)
                Check.That(remaining.Remove(item), FindingKind.NotLinearizable,
                    $"TryPop returned {Name(item)} twice, or one that was never pushed: a stack hands out each item once");
        foreach (int item in remaining)
            Check.Fail(FindingKind.NotLinearizable,
                $"{Name(item)} was pushed but never popped: the push was lost ({remaining.Count} items lost in all)");
    }

    [KataTest(Description = "On one thread: last in, first out; TryPop on an empty stack returns false; IsEmpty follows.")]
    public static void SequentialLifo()
    {
        // The values change from grade to grade: the code cannot recognise the test by them.
        int first = TestData.Int(1, 999), second = TestData.Int(1_000, 1_999), third = TestData.Int(2_000, 2_999), fourth = TestData.Int(-999, -1);
        var stack = new LockFreeStack<int>();
        Check.That(stack.IsEmpty, FindingKind.Assertion, "A new stack must be empty");
        Check.That(!stack.TryPop(out _), FindingKind.Assertion, "TryPop on a new stack must return false");
        stack.Push(first);
        stack.Push(second);
        stack.Push(third);
        Check.That(!stack.IsEmpty, FindingKind.Assertion, "After three pushes the stack is not empty");
        Check.That(stack.TryPop(out int a) && a == third, FindingKind.Assertion, $"Push {first}, {second}, {third} then TryPop must give {third} (last in, first out), got {a}");
        stack.Push(fourth);
        Check.That(stack.TryPop(out int b) && b == fourth, FindingKind.Assertion, $"TryPop after Push({fourth}) must give {fourth}, got {b}");
        Check.That(stack.TryPop(out int c) && c == second, FindingKind.Assertion, $"Next TryPop must give {second}, got {c}");
        Check.That(stack.TryPop(out int d) && d == first, FindingKind.Assertion, $"Next TryPop must give {first}, got {d}");
        Check.That(!stack.TryPop(out _), FindingKind.Assertion, "TryPop on an emptied stack must return false");
        Check.That(stack.IsEmpty, FindingKind.Assertion, "After popping every item the stack is empty");
    }

    [KataTest(Description = "Random mixes of Push, TryPop and IsEmpty on three threads: every history must be explainable by a sequential stack.")]
    public static void LinearizableMixes()
    {
        var operations = new[]
        {
            OperationSpec<LockFreeStack<int>>.Void(StackModel.Push, r => r.Next(1, 1_000_000), (s, a) => s.Push((int)a!)),
            new OperationSpec<LockFreeStack<int>>(StackModel.TryPop, null, (s, _) => s.TryPop(out int x) ? (true, x) : (false, 0)),
            new OperationSpec<LockFreeStack<int>>(StackModel.IsEmpty, null, (s, _) => s.IsEmpty) { Weight = 0.3 },
        };
        var shape = OnRealThreads
            ? new ScenarioShape { Threads = 3, OpsPerThread = 6, InitOps = 2, PostOps = 1 }
            : new ScenarioShape { Threads = 3, OpsPerThread = 2, InitOps = 1, PostOps = 1 };
        Linearizable.Check(() => new LockFreeStack<int>(), operations, new StackModel(), shape);
    }

    [KataTest(Description = "Three threads push at the same time: afterwards every item is there once, and each thread's items come out in reverse order of its pushes.")]
    public static void ConcurrentPushesAreAllKept()
    {
        const int threads = 3;
        int perThread = Scale(TestData.Int(2_000, 4_000), 2);
        var stack = new LockFreeStack<int>();
        Concurrent.Run(threads, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                stack.Push(Item(t, i));
                Concurrent.OperationDone(); // lets the runner see whether the threads really overlapped
            }
        });
        var popped = Drain(stack);
        var last = new int[threads];
        for (int t = 0; t < threads; t++) last[t] = int.MaxValue;
        foreach (int item in popped)
        {
            int t = item / 1_000_000 - 1, seq = item % 1_000_000;
            if (t < 0 || t >= threads) continue; // reported by CheckEachOnce
            Check.That(seq < last[t], FindingKind.NotLinearizable,
                $"Thread {t} pushed item {seq} before item {last[t]}, yet item {seq} came out first: after all pushes, a stack gives each thread's items back in reverse order");
            last[t] = seq;
        }
        var pushed = new List<int>();
        for (int t = 0; t < threads; t++)
            for (int i = 0; i < perThread; i++) pushed.Add(Item(t, i));
        CheckEachOnce(pushed, new[] { popped });
        Check.That(stack.IsEmpty, FindingKind.NotLinearizable, "After popping every item, IsEmpty must be true");
    }

    [KataTest(Description = "Three threads pop a stack filled beforehand with more items than they will take: every TryPop succeeds and no item is handed out twice.")]
    public static void ConcurrentPopsOfAFullStack()
    {
        const int threads = 3;
        int perThread = Scale(TestData.Int(2_000, 4_000), 2);
        var stack = new LockFreeStack<int>();
        var pushed = new List<int>();
        for (int i = 0; i < threads * perThread + 1; i++)
        {
            stack.Push(Item(0, i));
            pushed.Add(Item(0, i));
        }
        var popped = new List<int>[threads + 1];
        Concurrent.Run(threads, t =>
        {
            var mine = new List<int>(perThread);
            for (int i = 0; i < perThread; i++)
            {
                Check.That(stack.TryPop(out int item), FindingKind.NotLinearizable,
                    "TryPop returned false, but the stack held more items than all the threads together were taking: it was never empty");
                mine.Add(item);
                Concurrent.OperationDone();
            }
            popped[t] = mine;
        });
        Check.That(!stack.IsEmpty, FindingKind.NotLinearizable, "One item should still be on the stack, but IsEmpty is true");
        popped[threads] = Drain(stack);
        CheckEachOnce(pushed, popped);
    }

    [KataTest(Description = "Three threads each push two items then pop one, over and over: every TryPop succeeds and every item pushed is popped exactly once.")]
    public static void PushesAndPopsInterleaved()
    {
        const int threads = 3;
        int rounds = Scale(TestData.Int(1_000, 2_000), 2);
        var stack = new LockFreeStack<int>();
        var popped = new List<int>[threads + 1];
        Concurrent.Run(threads, t =>
        {
            var mine = new List<int>(rounds);
            for (int i = 0; i < rounds; i++)
            {
                stack.Push(Item(t, 2 * i));
                stack.Push(Item(t, 2 * i + 1));
                // Every thread pops only after pushing two items, so the stack is never empty here.
                Check.That(stack.TryPop(out int item), FindingKind.NotLinearizable,
                    "TryPop returned false, but every thread pushes two items before each pop, so the stack was never empty");
                mine.Add(item);
                Concurrent.OperationDone();
            }
            popped[t] = mine;
        });
        popped[threads] = Drain(stack);
        var pushed = new List<int>();
        for (int t = 0; t < threads; t++)
            for (int i = 0; i < 2 * rounds; i++) pushed.Add(Item(t, i));
        CheckEachOnce(pushed, popped);
    }
}
