using System.Threading;

// Reference: the Michael-Scott queue. `_head` points at a dummy node; the items are the nodes after
// it; `_tail` points at the last node or, for a moment, at the one before it. Enqueue links its
// node after the last node with a compare-and-swap on `Next` (this decides the order), then swings
// `_tail`; a thread that finds the tail lagging swings it forward itself (helping) instead of
// waiting. TryDequeue reads the value of `head.Next`, then moves `_head` to that node with a
// compare-and-swap: it becomes the new dummy.
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
                    Interlocked.CompareExchange(ref _tail, node, tail); // fails only if someone helped
                    return;
                }
            }
            else
            {
                Interlocked.CompareExchange(ref _tail, next, tail); // help a lagging tail
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
                Interlocked.CompareExchange(ref _tail, next, tail); // never let head pass tail
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
