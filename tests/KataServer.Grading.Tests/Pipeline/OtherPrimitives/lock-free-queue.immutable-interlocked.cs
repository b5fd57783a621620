using System.Collections.Immutable;
using System.Threading;

// A lock-free queue from the framework's immutable queue: ImmutableInterlocked.Enqueue and TryDequeue swap the
// whole queue in with a compare-and-swap loop, so each operation takes effect at one atomic step.
public sealed class LockFreeQueue<T>
{
    private ImmutableQueue<T> _items = ImmutableQueue<T>.Empty;

    public void Enqueue(T item) => ImmutableInterlocked.Enqueue(ref _items, item);

    public bool TryDequeue(out T item) => ImmutableInterlocked.TryDequeue(ref _items, out item!);

    public bool IsEmpty => Volatile.Read(ref _items).IsEmpty;
}
