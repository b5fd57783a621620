using System.Threading;

// Mistake: Enqueue links the node and moves the tail with plain writes. Two enqueues that read
// the same tail both write tail.Next: the second write replaces the first node, which is lost.
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
        Node tail = Volatile.Read(ref _tail);
        while (tail.Next != null) tail = tail.Next; // find the real end
        tail.Next = node;
        _tail = node;
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
        }
    }

    public bool IsEmpty => Volatile.Read(ref Volatile.Read(ref _head).Next) == null;
}
