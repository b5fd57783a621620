using System.Collections.Concurrent;

public sealed class BoundedBuffer<T>
{
    private readonly BlockingCollection<T> _items;

    public BoundedBuffer(int capacity) => _items = new BlockingCollection<T>(new ConcurrentQueue<T>(), capacity);

    public void Put(T item) => _items.Add(item);

    public T Take() => _items.Take();

    public int Count => _items.Count;
}
