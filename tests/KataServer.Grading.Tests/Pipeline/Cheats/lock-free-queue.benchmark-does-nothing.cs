using System.Threading;

// Cheat: correct (a Michael-Scott queue) for the tests, but a queue that has had more than 100,000 calls (the tests make
// a few tens of thousands per queue, the benchmark hundreds of thousands) gets an Enqueue that keeps nothing and a
// TryDequeue that succeeds with a default value: free throughput, and no TryDequeue ever fails. Must never earn points.
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
    private int _calls;

    public LockFreeQueue()
    {
        var dummy = new Node(default!);
        _head = dummy;
        _tail = dummy;
    }

    private bool LooksLikeTheBenchmark() => Interlocked.Increment(ref _calls) > 100_000;

    public void Enqueue(T item)
    {
        if (LooksLikeTheBenchmark()) return;
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
        if (LooksLikeTheBenchmark())
        {
            item = default!;
            return true;
        }

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
