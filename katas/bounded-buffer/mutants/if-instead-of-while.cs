using System.Threading;

// Mistake: Put checks for room with `if` before Monitor.Wait, not `while`. PulseAll wakes every
// waiting producer after one Take freed a single slot; each proceeds without checking again, and
// the second one writes over an item nobody has read yet: the buffer holds more than its
// capacity and an item is lost. (Take, with its `while`, is right.)
public sealed class BoundedBuffer<T>
{
    private readonly object _gate = new object();
    private readonly T[] _ring;
    private int _head;
    private int _count;

    public BoundedBuffer(int capacity)
    {
        _ring = new T[capacity];
    }

    public void Put(T item)
    {
        lock (_gate)
        {
            if (_count >= _ring.Length) Monitor.Wait(_gate);
            _ring[(_head + _count) % _ring.Length] = item;
            _count++;
            Monitor.PulseAll(_gate);
        }
    }

    public T Take()
    {
        lock (_gate)
        {
            while (_count == 0) Monitor.Wait(_gate);
            T item = _ring[_head];
            _ring[_head] = default!;
            _head = (_head + 1) % _ring.Length;
            _count--;
            Monitor.PulseAll(_gate);
            return item;
        }
    }

    public int Count
    {
        get { lock (_gate) return _count; }
    }
}
