using System.Collections.Generic;
using System.Threading;

public sealed class BoundedBuffer<T>
{
    private readonly Semaphore _free;
    private readonly Semaphore _used = new Semaphore(0, int.MaxValue);
    private readonly Mutex _mutex = new Mutex();
    private readonly Queue<T> _queue = new Queue<T>();

    public BoundedBuffer(int capacity) => _free = new Semaphore(capacity, capacity);

    public void Put(T item)
    {
        _free.WaitOne();
        _mutex.WaitOne();
        try { _queue.Enqueue(item); } finally { _mutex.ReleaseMutex(); }
        _used.Release();
    }

    public T Take()
    {
        _used.WaitOne();
        _mutex.WaitOne();
        T item;
        try { item = _queue.Dequeue(); } finally { _mutex.ReleaseMutex(); }
        _free.Release();
        return item;
    }

    public int Count { get { _mutex.WaitOne(); try { return _queue.Count; } finally { _mutex.ReleaseMutex(); } } }
}
