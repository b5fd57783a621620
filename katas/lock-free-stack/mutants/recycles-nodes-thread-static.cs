using System.Threading;

// Mistake: to save allocations, TryPop keeps the node it popped on a per-thread free list and Push
// takes its node from there. Reusing nodes brings back the ABA problem: TryPop reads the head (node A)
// and A.Next (node B), and before its compare-and-swap other threads pop A, pop B and push A again
// (recycled, now pointing further down). The head is A once more, so the stale compare-and-swap
// succeeds and installs B, a node that was already popped: B's item is handed out twice and the
// items pushed above B are lost.
public sealed class LockFreeStack<T>
{
    private sealed class Node
    {
        public T Value = default!;
        public Node? Next;
    }

    [System.ThreadStatic] private static Node? t_free;

    private Node? _head;

    public void Push(T item)
    {
        var node = t_free;
        if (node is null) node = new Node();
        else t_free = node.Next;
        node.Value = item;
        while (true)
        {
            var head = Volatile.Read(ref _head);
            node.Next = head;
            if (Interlocked.CompareExchange(ref _head, node, head) == head) return;
        }
    }

    public bool TryPop(out T item)
    {
        while (true)
        {
            var head = Volatile.Read(ref _head);
            if (head is null)
            {
                item = default!;
                return false;
            }

            var next = head.Next;
            if (Interlocked.CompareExchange(ref _head, next, head) == head)
            {
                item = head.Value;
                head.Value = default!;
                head.Next = t_free;
                t_free = head;
                return true;
            }
        }
    }

    public bool IsEmpty => Volatile.Read(ref _head) is null;
}
