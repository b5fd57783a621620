using System.Collections.Generic;

// A first try: a plain queue. On one thread, with Take called only when something is there and
// Put never called on a full buffer, it works. With several producers and consumers it does not:
// nothing waits, nothing is protected.
public sealed class BoundedBuffer<T>
{
    private readonly Queue<T> _items = new Queue<T>();
    private readonly int _capacity;

    public BoundedBuffer(int capacity)
    {
        _capacity = capacity;
    }

    public void Put(T item)
    {
        _items.Enqueue(item); // TODO: wait while full
    }

    public T Take()
    {
        return _items.Dequeue(); // TODO: wait while empty (this throws when the queue is empty)
    }

    public int Count => _items.Count;
}
