using System.Collections.Concurrent;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// BlockingCollection under control. The real collection holds the items; the engine only ever calls its
/// non-blocking TryAdd/TryTake (one operation runs at a time, so they cannot race), and models the waits:
/// Add blocks while the collection is full, Take while it is empty and adding is not complete, with virtual-time
/// timeouts and cancellation. The static *ToAny/*FromAny methods are reported as uncontrolled.
/// </summary>
[Intercepts(typeof(BlockingCollection<>))]
public static class ControlledBlockingCollection<T>
{
    private const string Kind = "BlockingCollection";

    public static void Add(BlockingCollection<T> self, T item) => TryAddCore(self, item, Timeout.Infinite, default, "BlockingCollection.Add");

    public static void Add(BlockingCollection<T> self, T item, CancellationToken cancellationToken) =>
        TryAddCore(self, item, Timeout.Infinite, cancellationToken, "BlockingCollection.Add");

    public static bool TryAdd(BlockingCollection<T> self, T item) => TryResult.Show(TryAddCore(self, item, 0, default, "BlockingCollection.TryAdd"));

    public static bool TryAdd(BlockingCollection<T> self, T item, int millisecondsTimeout) => TryResult.Show(TryAddCore(self, item, LockModel.ToMs(millisecondsTimeout), default, "BlockingCollection.TryAdd"));

    public static bool TryAdd(BlockingCollection<T> self, T item, TimeSpan timeout) => TryResult.Show(TryAddCore(self, item, LockModel.ToMs(timeout), default, "BlockingCollection.TryAdd"));

    public static bool TryAdd(BlockingCollection<T> self, T item, int millisecondsTimeout, CancellationToken cancellationToken) => TryResult.Show(TryAddCore(self, item, LockModel.ToMs(millisecondsTimeout), cancellationToken, "BlockingCollection.TryAdd"));

    public static T Take(BlockingCollection<T> self) => Take(self, default);

    public static T Take(BlockingCollection<T> self, CancellationToken cancellationToken)
    {
        if (!TryTakeCore(self, out T item, Timeout.Infinite, cancellationToken, "BlockingCollection.Take"))
        {
            throw new InvalidOperationException("The collection argument is empty and has been marked as complete with regards to additions.");
        }

        return item;
    }

    public static bool TryTake(BlockingCollection<T> self, out T item) => TryResult.Show(TryTakeCore(self, out item, 0, default, "BlockingCollection.TryTake"));

    public static bool TryTake(BlockingCollection<T> self, out T item, int millisecondsTimeout) => TryResult.Show(TryTakeCore(self, out item, LockModel.ToMs(millisecondsTimeout), default, "BlockingCollection.TryTake"));

    public static bool TryTake(BlockingCollection<T> self, out T item, TimeSpan timeout) => TryResult.Show(TryTakeCore(self, out item, LockModel.ToMs(timeout), default, "BlockingCollection.TryTake"));

    public static bool TryTake(BlockingCollection<T> self, out T item, int millisecondsTimeout, CancellationToken cancellationToken) => TryResult.Show(TryTakeCore(self, out item, LockModel.ToMs(millisecondsTimeout), cancellationToken, "BlockingCollection.TryTake"));

    public static IEnumerable<T> GetConsumingEnumerable(BlockingCollection<T> self) => GetConsumingEnumerable(self, default);

    public static IEnumerable<T> GetConsumingEnumerable(BlockingCollection<T> self, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(self);
        return Consume(self, cancellationToken);
    }

    public static void CompleteAdding(BlockingCollection<T> self)
    {
        Point(self, "BlockingCollection.CompleteAdding");
        self.CompleteAdding();
    }

    public static int get_Count(BlockingCollection<T> self)
    {
        Point(self, "BlockingCollection.Count", isYield: true);
        return self.Count;
    }

    public static bool get_IsCompleted(BlockingCollection<T> self)
    {
        Point(self, "BlockingCollection.IsCompleted", isYield: true);
        return self.IsCompleted;
    }

    public static bool get_IsAddingCompleted(BlockingCollection<T> self)
    {
        Point(self, "BlockingCollection.IsAddingCompleted", isYield: true);
        return self.IsAddingCompleted;
    }

    public static int AddToAny(BlockingCollection<T>[] collections, T item)
    {
        FailIfControlled();
        return BlockingCollection<T>.AddToAny(collections, item);
    }

    public static int TryAddToAny(BlockingCollection<T>[] collections, T item)
    {
        FailIfControlled();
        return BlockingCollection<T>.TryAddToAny(collections, item);
    }

    public static int TakeFromAny(BlockingCollection<T>[] collections, out T item)
    {
        FailIfControlled();
        return BlockingCollection<T>.TakeFromAny(collections, out item!);
    }

    public static int TryTakeFromAny(BlockingCollection<T>[] collections, out T item)
    {
        FailIfControlled();
        return BlockingCollection<T>.TryTakeFromAny(collections, out item!);
    }

    private static IEnumerable<T> Consume(BlockingCollection<T> self, CancellationToken cancellationToken)
    {
        while (TryTakeCore(self, out T item, Timeout.Infinite, cancellationToken, "BlockingCollection.GetConsumingEnumerable"))
        {
            yield return item;
        }
    }

    private static ControlledOperation? Point(BlockingCollection<T> self, string api, bool isYield = false)
    {
        ArgumentNullException.ThrowIfNull(self);
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, api, self, Kind, isYield: isYield);
        return op;
    }

    private static bool HasRoom(BlockingCollection<T> self) => self.BoundedCapacity < 0 || self.Count < self.BoundedCapacity;

    private static bool TryAddCore(BlockingCollection<T> self, T item, long timeoutMs, CancellationToken ct, string api)
    {
        var op = Point(self, api);
        if (op is null)
        {
            return self.TryAdd(item, (int)timeoutMs, ct);
        }

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (self.TryAdd(item))
            {
                // Non-blocking; throws InvalidOperationException once adding is complete, like the real Add.
                return true;
            }

            if (timeoutMs == 0 || !WaitHelpers.Block(op, () => self.IsAddingCompleted || HasRoom(self), Kind, self, timeoutMs, ct))
            {
                return false;
            }
        }
    }

    private static bool TryTakeCore(BlockingCollection<T> self, out T item, long timeoutMs, CancellationToken ct, string api)
    {
        var op = Point(self, api);
        if (op is null)
        {
            return self.TryTake(out item!, (int)timeoutMs, ct);
        }

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (self.TryTake(out item!))
            {
                return true;
            }

            if (self.IsCompleted || timeoutMs == 0 ||
                !WaitHelpers.Block(op, () => self.IsAddingCompleted || self.Count > 0, Kind, self, timeoutMs, ct))
            {
                return false;
            }
        }
    }

    private static void FailIfControlled()
    {
        if (ControlledOperation.Current is { } op)
        {
            op.Runtime.FailUncontrolled(op, "BlockingCollection's *ToAny/*FromAny methods are not modelled by the engine (use one collection, or a Channel).");
        }
    }
}
