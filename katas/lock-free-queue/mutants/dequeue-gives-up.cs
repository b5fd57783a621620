using System.Threading;

// Mistake: TryDequeue tries its compare-and-swap once and returns false when it fails. But a
// failed swap only means another thread took the front item first: the queue may hold many more.
public sealed class LockFreeQueue<T>
{
    private sealed class Node
    {
        public readonly T Value;
        public Node? Next;
        public Node(T value) { Value = value; }
    }

    private Node _head;
    private Node _tail;

    public LockFreeQueue()
    {
        var dummy = new Node(default!);
        _head = dummy;
        _tail = dummy;
    }

    public void Enqueue(T item)
    {
        var node = new Node(item);
        while (true)
        {
            Node tail = Volatile.Read(ref _tail);
            Node? next = Volatile.Read(ref tail.Next);
            if (next == null)
            {
                if (Interlocked.CompareExchange(ref tail.Next, node, null) == null)
                {
                    Interlocked.CompareExchange(ref _tail, node, tail);
                    return;
                }
            }
            else
            {
                Interlocked.CompareExchange(ref _tail, next, tail);
            }
        }
    }

    public bool TryDequeue(out T item)
    {
        while (true)
        {
            Node head = Volatile.Read(ref _head);
            Node tail = Volatile.Read(ref _tail);
            Node? next = Volatile.Read(ref head.Next);
            if (next == null)
            {
                item = default!;
                return false;
            }
            if (head == tail)
            {
                Interlocked.CompareExchange(ref _tail, next, tail);
                continue;
            }
            T value = next.Value;
            if (Interlocked.CompareExchange(ref _head, next, head) == head)
            {
                item = value;
                return true;
            }
            item = default!;
            return false; // "somebody else got there first"
        }
    }

    public bool IsEmpty => Volatile.Read(ref Volatile.Read(ref _head).Next) == null;
}
