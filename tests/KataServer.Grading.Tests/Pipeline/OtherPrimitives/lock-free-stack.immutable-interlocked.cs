using System.Collections.Immutable;
using System.Threading;

// A lock-free stack from the framework's immutable stack: ImmutableInterlocked.Push and TryPop swap the
// whole stack in with a compare-and-swap loop, so every Push and TryPop takes effect at one atomic step.
public sealed class LockFreeStack<T>
{
    private ImmutableStack<T> _items = ImmutableStack<T>.Empty;

    public void Push(T item) => ImmutableInterlocked.Push(ref _items, item);

    public bool TryPop(out T item) => ImmutableInterlocked.TryPop(ref _items, out item!);

    public bool IsEmpty => Volatile.Read(ref _items).IsEmpty;
}
