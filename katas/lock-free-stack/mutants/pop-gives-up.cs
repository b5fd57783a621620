using System.Threading;

// Mistake: TryPop tries its compare-and-swap once and reports "empty" when it fails. But a
// failed CAS only means another thread changed the head: the stack was never empty, and a
// sequential stack would have handed out an item.
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
        if (head is not null && Interlocked.CompareExchange(ref _head, head.Next, head) == head)
        {
            item = head.Value;
            return true;
        }

        item = default!;
        return false;
    }

    public bool IsEmpty => Volatile.Read(ref _head) is null;
}
