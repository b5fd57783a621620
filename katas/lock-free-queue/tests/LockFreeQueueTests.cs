using System.Collections.Generic;
using KataServer.Testing;
using KataServer.Testing.Linearizability;

namespace KataTests;

public static class LockFreeQueueTests
{
    // Real threads need many operations per iteration for a race to show; the schedule explorer
    // needs few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

    private static int Item(int thread, int seq) => (thread + 1) * 1_000_000 + seq;

    private static string Name(int item) =>
        item < 1_000_000 ? $"the value {item}, which no thread enqueued (an empty slot or a default value)," : $"item {item % 1_000_000} of thread {item / 1_000_000 - 1}";

    /// <summary>Dequeues everything left, on one thread.</summary>
    private static List<int> Drain(LockFreeQueue<int> queue)
    {
        var rest = new List<int>();
        while (queue.TryDequeue(out int item)) rest.Add(item);
        return rest;
    }

    /// <summary>Every item enqueued must have been dequeued exactly once.</summary>
    private static void CheckEachOnce(IEnumerable<int> enqueued, IEnumerable<List<int>> dequeued)
    {
        var remaining = new HashSet<int>(enqueued);
        foreach (var list in dequeued)
            foreach (int item in list)
                Check.That(remaining.Remove(item), FindingKind.NotLinearizable,
                    $"{Name(item)} was dequeued twice (or was never enqueued): a queue hands out each item once");
        foreach (int item in remaining)
            Check.Fail(FindingKind.NotLinearizable,
                $"{Name(item)} was enqueued but never dequeued: the item was lost ({remaining.Count} items lost in all)");
    }

    /// <summary>Within what one thread dequeued, the items of each producer come out in the order they went in.</summary>
    private static void CheckProducerOrder(List<int> dequeued, string who)
    {
        var last = new Dictionary<int, int>();
        foreach (int item in dequeued)
        {
            int producer = item / 1_000_000, seq = item % 1_000_000;
            if (last.TryGetValue(producer, out int before))
                Check.That(seq > before, FindingKind.NotLinearizable,
                    $"{who} dequeued {Name(item)} after item {before} of the same thread, but that thread enqueued {seq} after {before}: a queue is first in, first out");
            last[producer] = seq;
        }
    }

    [KataTest(Description = "On one thread: first in, first out; TryDequeue on an empty queue returns false; IsEmpty follows.")]
    public static void SequentialFifo()
    {
        // The values change from grade to grade: the code cannot recognise the test by them.
        int v1 = TestData.Int(1, 999), v2 = TestData.Int(1_000, 1_999), v3 = TestData.Int(2_000, 2_999);
        int v4 = TestData.Int(-999, -1), v5 = TestData.Int(3_000, 3_999);
        var queue = new LockFreeQueue<int>();
        Check.That(queue.IsEmpty, FindingKind.Assertion, "A new queue must be empty");
        Check.That(!queue.TryDequeue(out _), FindingKind.Assertion, "TryDequeue on a new queue must return false");
        queue.Enqueue(v1);
        queue.Enqueue(v2);
        queue.Enqueue(v3);
        Check.That(!queue.IsEmpty, FindingKind.Assertion, "After three enqueues the queue is not empty");
        Check.That(queue.TryDequeue(out int a) && a == v1, FindingKind.Assertion, $"Enqueue {v1}, {v2}, {v3} then TryDequeue must give {v1} (first in, first out), got {a}");
        queue.Enqueue(v4);
        Check.That(queue.TryDequeue(out int b) && b == v2, FindingKind.Assertion, $"Next TryDequeue must give {v2}, got {b}");
        Check.That(queue.TryDequeue(out int c) && c == v3, FindingKind.Assertion, $"Next TryDequeue must give {v3}, got {c}");
        Check.That(queue.TryDequeue(out int d) && d == v4, FindingKind.Assertion, $"Next TryDequeue must give {v4}, got {d}");
        Check.That(!queue.TryDequeue(out _), FindingKind.Assertion, "TryDequeue on an emptied queue must return false");
        Check.That(queue.IsEmpty, FindingKind.Assertion, "After dequeuing every item the queue is empty");
        queue.Enqueue(v5);
        Check.That(!queue.IsEmpty && queue.TryDequeue(out int e) && e == v5, FindingKind.Assertion, $"An emptied queue must work again: Enqueue({v5}) then TryDequeue must give {v5}");
    }

    [KataTest(Description = "Random mixes of Enqueue, TryDequeue and IsEmpty on three threads: every history must be explainable by a sequential queue.")]
    public static void LinearizableMixes()
    {
        var operations = new[]
        {
            OperationSpec<LockFreeQueue<int>>.Void(QueueModel.Enqueue, r => r.Next(1, 1_000_000), (q, a) => q.Enqueue((int)a!)),
            new OperationSpec<LockFreeQueue<int>>(QueueModel.TryDequeue, null, (q, _) => q.TryDequeue(out int x) ? (true, x) : (false, 0)),
            new OperationSpec<LockFreeQueue<int>>(QueueModel.IsEmpty, null, (q, _) => q.IsEmpty) { Weight = 0.3 },
        };
        var shape = OnRealThreads
            ? new ScenarioShape { Threads = 3, OpsPerThread = 6, InitOps = 2, PostOps = 1 }
            : new ScenarioShape { Threads = 3, OpsPerThread = 2, InitOps = 1, PostOps = 1 };
        Linearizable.Check(() => new LockFreeQueue<int>(), operations, new QueueModel(), shape);
    }

    [KataTest(Description = "One thread enqueues two items while another dequeues twice: every history must be explainable by a sequential queue.")]
    public static void LinearizableProducerConsumer()
    {
        var operations = new[]
        {
            OperationSpec<LockFreeQueue<int>>.Void(QueueModel.Enqueue, r => r.Next(1, 1_000_000), (q, a) => q.Enqueue((int)a!)),
            new OperationSpec<LockFreeQueue<int>>(QueueModel.TryDequeue, null, (q, _) => q.TryDequeue(out int x) ? (true, x) : (false, 0)),
        };
        var shape = OnRealThreads
            ? new ScenarioShape { Threads = 2, OpsPerThread = 8, InitOps = 1 }
            : new ScenarioShape { Threads = 2, OpsPerThread = 3, InitOps = 1 };
        Linearizable.Check(() => new LockFreeQueue<int>(), operations, new QueueModel(), shape, exploreSeed: 7);
    }

    [KataTest(Description = "Three threads enqueue at the same time: afterwards every item is there once, and each thread's items come out in the order it enqueued them.")]
    public static void ConcurrentEnqueuesAreAllKept()
    {
        const int threads = 3;
        int perThread = Scale(TestData.Int(2_000, 4_000), 2);
        var queue = new LockFreeQueue<int>();
        Concurrent.Run(threads, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                queue.Enqueue(Item(t, i));
                Concurrent.OperationDone(); // lets the runner see whether the threads really overlapped
            }
        });
        var dequeued = Drain(queue);
        CheckProducerOrder(dequeued, "A thread draining the queue afterwards");
        var enqueued = new List<int>();
        for (int t = 0; t < threads; t++)
            for (int i = 0; i < perThread; i++) enqueued.Add(Item(t, i));
        CheckEachOnce(enqueued, new[] { dequeued });
        Check.That(queue.IsEmpty, FindingKind.NotLinearizable, "After dequeuing every item, IsEmpty must be true");
    }

    [KataTest(Description = "Three threads dequeue from a queue filled beforehand with more items than they take: every TryDequeue succeeds, in order, and no item is handed out twice.")]
    public static void ConcurrentDequeuesOfAFullQueue()
    {
        const int threads = 3;
        int perThread = Scale(TestData.Int(2_000, 4_000), 2);
        var queue = new LockFreeQueue<int>();
        var enqueued = new List<int>();
        for (int i = 0; i < threads * perThread + 1; i++)
        {
            queue.Enqueue(Item(0, i));
            enqueued.Add(Item(0, i));
        }
        var dequeued = new List<int>[threads + 1];
        Concurrent.Run(threads, t =>
        {
            var mine = new List<int>(perThread);
            for (int i = 0; i < perThread; i++)
            {
                Check.That(queue.TryDequeue(out int item), FindingKind.NotLinearizable,
                    "TryDequeue returned false, but the queue held more items than all the threads together were taking: it was never empty");
                mine.Add(item);
                Concurrent.OperationDone();
            }
            dequeued[t] = mine;
        });
        for (int t = 0; t < threads; t++) CheckProducerOrder(dequeued[t], $"Thread {t}");
        Check.That(!queue.IsEmpty, FindingKind.NotLinearizable, "One item should still be in the queue, but IsEmpty is true");
        dequeued[threads] = Drain(queue);
        CheckEachOnce(enqueued, dequeued);
    }

    [KataTest(Description = "Two producers and two consumers at once: nothing is lost or duplicated, and each producer's items come out in order.")]
    public static void ProducersAndConsumers()
    {
        int perProducer = Scale(TestData.Int(2_000, 4_000), 2);
        var queue = new LockFreeQueue<int>();
        var dequeued = new List<int>[3];
        Concurrent.Run(4, t =>
        {
            if (t < 2)
            {
                for (int i = 0; i < perProducer; i++)
                {
                    queue.Enqueue(Item(t, i));
                    Concurrent.OperationDone();
                }
                return;
            }
            var mine = new List<int>();
            for (int i = 0; i < perProducer; i++)
            {
                if (queue.TryDequeue(out int item)) mine.Add(item);
                Concurrent.OperationDone();
            }
            dequeued[t - 2] = mine;
        });
        for (int c = 0; c < 2; c++) CheckProducerOrder(dequeued[c], $"Consumer {c}");
        dequeued[2] = Drain(queue);
        var enqueued = new List<int>();
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < perProducer; i++) enqueued.Add(Item(t, i));
        CheckEachOnce(enqueued, dequeued);
    }
}
