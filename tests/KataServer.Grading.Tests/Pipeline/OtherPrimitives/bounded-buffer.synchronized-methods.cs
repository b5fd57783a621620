using System.Runtime.CompilerServices;
using System.Threading;

// The Java-style monitor: every public method is [MethodImpl(Synchronized)] (the runtime holds this
// object's monitor for the call), and waits/wake-ups use Monitor.Wait(this) / Monitor.PulseAll(this).
public sealed class BoundedBuffer<T>
{
    private readonly T[] _ring;
    private int _head;
    private int _count;

    public BoundedBuffer(int capacity) => _ring = new T[capacity];

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Put(T item)
    {
        while (_count == _ring.Length) Monitor.Wait(this);
        _ring[(_head + _count) % _ring.Length] = item;
        _count++;
        Monitor.PulseAll(this);
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public T Take()
    {
        while (_count == 0) Monitor.Wait(this);
        T item = _ring[_head];
        _ring[_head] = default!;
        _head = (_head + 1) % _ring.Length;
        _count--;
        Monitor.PulseAll(this);
        return item;
    }

    public int Count
    {
        [MethodImpl(MethodImplOptions.Synchronized)]
        get => _count;
    }
}
