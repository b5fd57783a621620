// A linked-list queue with a head and a tail. Fine on one thread; under contention two
// enqueues can link after the same tail and two dequeues can take the same item.
// Make it lock-free with Interlocked.CompareExchange (locks are not allowed in this kata).
public sealed class LockFreeQueue<T>
{
    private sealed class Node
    {
        public readonly T Value;
        public Node? Next;
        public Node(T value) { Value = value; }
    }

    private Node? _head;
    private Node? _tail;

    public void Enqueue(T item)
    {
        var node = new Node(item);
        if (_tail == null)
        {
            _head = node;
            _tail = node;
        }
        else
        {
            _tail.Next = node;
            _tail = node;
        }
    }

    public bool TryDequeue(out T item)
    {
        var head = _head;
        if (head == null)
        {
            item = default!;
            return false;
        }
        _head = head.Next;
        if (_head == null) _tail = null;
        item = head.Value;
        return true;
    }

    public bool IsEmpty => _head == null;
}
