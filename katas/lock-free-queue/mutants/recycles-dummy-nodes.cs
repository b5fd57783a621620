using System.Threading;

// Mistake: TryDequeue keeps the old dummy node on a per-thread free list and Enqueue reuses it
// instead of allocating. A node is recycled while other threads may still hold it: a TryDequeue
// that read the head (node H) before another thread dequeued and recycled H then reads H.Next
// as reset by the new Enqueue (an empty queue that is not empty), or, when H has come back to the
// head (ABA), its stale compare-and-swap succeeds and moves the head back: an item is handed out twice.
public sealed class LockFreeQueue<T>
{
    private sealed class Node
    {
        public T Value = default!;
        public Node? Next;
        public Node? NextFree; // links this thread's free list
    }

    [System.ThreadStatic] private static Node? t_free;

    private Node _head;
    private Node _tail;

    public LockFreeQueue()
    {
        var dummy = new Node();
        _head = dummy;
        _tail = dummy;
    }

    public void Enqueue(T item)
    {
        var node = t_free;
        if (node is null) node = new Node();
        else t_free = node.NextFree;
        node.Value = item;
        node.Next = null;
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
                head.NextFree = t_free;
                t_free = head;
                return true;
            }
        }
    }

    public bool IsEmpty => Volatile.Read(ref Volatile.Read(ref _head).Next) == null;
}
