using System.Threading;

// Mistake: TryPop swaps the head with Interlocked.Exchange, which is atomic but unconditional:
// it installs head.Next even if another thread popped or pushed since the head was read. Two
// pops can return the same item, and a push that landed in between is thrown away.
public sealed class LockFreeStack<T>
{
    private sealed class Node
    {
        public readonly T Value;
        public Node? Next;

        public Node(T value) => Value = value;
    }

    private Node? _head;

    public void Push(T item)
    {
        var node = new Node(item);
        while (true)
        {
            var head = Volatile.Read(ref _head);
            node.Next = head;
            if (Interlocked.CompareExchange(ref _head, node, head) == head) return;
        }
    }

    public bool TryPop(out T item)
    {
        var head = Volatile.Read(ref _head);
        if (head is null)
        {
            item = default!;
            return false;
        }

        Interlocked.Exchange(ref _head, head.Next);
        item = head.Value;
        return true;
    }

    public bool IsEmpty => Volatile.Read(ref _head) is null;
}
