using System.Threading;

// Mistake: Enqueue claims its place by swapping the tail first (one atomic step, so no two
// enqueues get the same place), then links the old tail to its node. Until that link is written,
// everything enqueued after it is unreachable from the head: a TryDequeue in that window returns
// false although an Enqueue has already returned.
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
        Node previous = Interlocked.Exchange(ref _tail, node);
        Volatile.Write(ref previous.Next, node);
    }

    public bool TryDequeue(out T item)
    {
        while (true)
        {
            Node head = Volatile.Read(ref _head);
            Node? next = Volatile.Read(ref head.Next);
            if (next == null)
            {
                item = default!;
                return false;
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
