using System;
using System.Collections.Generic;
using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class BoundedBufferTests
{
    // Real threads need many items per iteration for a race to show; the schedule explorer needs
    // few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    [KataTest(Description = "On one thread: items come out in the order they went in, and Count follows.")]
    public static void SequentialFifo()
    {
        // The capacity and the items change from grade to grade: the code cannot recognise the test by them.
        int capacity = TestData.Int(2, 6);
        int first = TestData.Int(-1000, 1000);
        var buffer = new BoundedBuffer<int>(capacity);
        Check.Equal(0, buffer.Count, FindingKind.Assertion, "A new buffer must be empty");
        for (int i = 0; i < capacity; i++) buffer.Put(first + i);
        Check.Equal(capacity, buffer.Count, FindingKind.Assertion, $"After {capacity} Puts into a buffer of capacity {capacity}, Count is wrong");
        Check.Equal(first, buffer.Take(), FindingKind.Invariant, $"Put {first}, {first + 1}... then Take: the first item in must come out first");
        buffer.Put(first + capacity);
        Check.Equal(capacity, buffer.Count, FindingKind.Assertion, "After a Take and a Put on a full buffer, Count is wrong");
        for (int i = 1; i <= capacity; i++)
            Check.Equal(first + i, buffer.Take(), FindingKind.Invariant, "Items must come out in the order they went in");
        Check.Equal(0, buffer.Count, FindingKind.Assertion, "After taking every item, Count must be 0");
    }

    [KataTest(Description = "Two producers and two consumers share a buffer of two slots: every item is delivered exactly once, in order per producer, never more than two at a time, and nobody gets stuck.")]
    public static void TwoProducersTwoConsumers() => Exchange(producers: 2, consumers: 2, capacity: 2, perProducer: OnRealThreads ? TestData.Int(200, 400) : 2);

    [KataTest(Description = "Three producers fill a one-slot buffer faster than one consumer empties it: producers must wait for room, and no item is overwritten or lost.")]
    public static void ProducersOutnumberConsumers() => Exchange(producers: 3, consumers: 1, capacity: 1, perProducer: OnRealThreads ? TestData.Int(100, 200) : 1);

    [KataTest(Description = "Three consumers wait on a buffer fed by one producer: consumers must wait for an item, and never take one twice or take one that is not there.")]
    public static void ConsumersOutnumberProducers() => Exchange(producers: 1, consumers: 3, capacity: 2, perProducer: OnRealThreads ? TestData.Int(300, 600) : 3);

    /// <summary>
    /// Producer p puts items tagged (p, 0), (p, 1), ...; consumers take until every item has been
    /// claimed. Every thread checks Count after each call; each consumer checks that it sees the
    /// items of one producer in increasing order; at the end every item must have been taken
    /// exactly once. A thread that sees a broken rule (or an exception from Put or Take) notes it
    /// and carries on, so that the other threads are not left waiting for it; the first problem
    /// noted is reported at the end.
    /// </summary>
    private static void Exchange(int producers, int consumers, int capacity, int perProducer)
    {
        int total = producers * perProducer;
        int unclaimed = total; // Takes still to be made, claimed one at a time by the consumers
        var buffer = new BoundedBuffer<long>(capacity);
        var taken = new List<long>[consumers];
        var problems = new FirstProblem();
        Concurrent.Run(producers + consumers, t =>
        {
            if (t < producers)
            {
                for (int seq = 0; seq < perProducer; seq++)
                {
                    try { buffer.Put(Tag(t, seq)); }
                    catch (Exception e) when (e is not KataAssertionException)
                    {
                        problems.Note(FindingKind.Exception, $"Put threw {e.GetType().Name}: {e.Message}");
                        Interlocked.Decrement(ref unclaimed); // nobody can take this item now
                        continue;
                    }
                    CheckCount(buffer, capacity, problems);
                    Concurrent.OperationDone();
                }
                return;
            }

            var mine = new List<long>();
            var lastSeq = new long[producers];
            for (int p = 0; p < producers; p++) lastSeq[p] = -1;
            while (Interlocked.Decrement(ref unclaimed) >= 0)
            {
                long item;
                try { item = buffer.Take(); }
                catch (Exception e) when (e is not KataAssertionException)
                {
                    problems.Note(FindingKind.Exception, $"Take threw {e.GetType().Name}: {e.Message}");
                    continue;
                }
                CheckCount(buffer, capacity, problems);
                Concurrent.OperationDone();
                long producer = item / 1_000_000 - 1, seq = item % 1_000_000;
                if (item <= 0 || producer < 0 || producer >= producers || seq >= perProducer)
                {
                    problems.Note(FindingKind.Invariant, $"Take returned {item}, which no producer ever put (a slot was read that held no item)");
                    continue;
                }

                if (seq <= lastSeq[producer])
                    problems.Note(FindingKind.Invariant, $"A consumer took item #{seq} of producer {producer} after item #{lastSeq[producer]}: items of one producer must come out in the order they were put, and only once");
                lastSeq[producer] = seq;
                mine.Add(item);
            }
            taken[t - producers] = mine;
        });

        problems.ThrowIfAny();
        var seen = new HashSet<long>();
        foreach (var list in taken)
            foreach (long item in list)
                Check.That(seen.Add(item), FindingKind.Invariant, $"Item #{item % 1_000_000} of producer {item / 1_000_000 - 1} was taken twice");
        Check.Equal(total, seen.Count, FindingKind.Invariant, $"{total} items were put and {total} Takes returned, but some items never came out");
        Check.Equal(0, buffer.Count, FindingKind.Invariant, "Every item put has been taken: Count must be 0");
    }

    private static long Tag(int producer, int seq) => (producer + 1) * 1_000_000L + seq;

    private static void CheckCount(BoundedBuffer<long> buffer, int capacity, FirstProblem problems)
    {
        int count = buffer.Count;
        if (count > capacity) problems.Note(FindingKind.Invariant, $"Count was {count}, but the buffer's capacity is {capacity}: it must never hold more");
    }

    /// <summary>The first problem any thread noticed.</summary>
    private sealed class FirstProblem
    {
        private Tuple<FindingKind, string>? first;

        public void Note(FindingKind kind, string message) =>
            Interlocked.CompareExchange(ref first, Tuple.Create(kind, message), null);

        public void ThrowIfAny()
        {
            var problem = Volatile.Read(ref first);
            if (problem is not null) Check.Fail(problem.Item1, problem.Item2);
        }
    }
}
