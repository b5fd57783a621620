using System.Collections.Concurrent;
using System.Threading;

// Mistake: two semaphores count free slots and filled slots correctly, but the items sit in a
// ConcurrentBag, which is thread-safe and unordered: a thread tends to get back the item it added
// last, so items from one producer come out of the buffer in the wrong order.
public sealed class BoundedBuffer<T>
{
    private readonly ConcurrentBag<T> _items = new ConcurrentBag<T>();
    private readonly SemaphoreSlim _free;
    private readonly SemaphoreSlim _filled;

    public BoundedBuffer(int capacity)
    {
        _free = new SemaphoreSlim(capacity, capacity);
        _filled = new SemaphoreSlim(0, capacity);
    }

    public void Put(T item)
    {
        _free.Wait();
        _items.Add(item);
        _filled.Release();
    }

    public T Take()
    {
        _filled.Wait();
        T? item;
        while (!_items.TryTake(out item)) Thread.Yield();
        _free.Release();
        return item!;
    }

    public int Count => _items.Count;
}
