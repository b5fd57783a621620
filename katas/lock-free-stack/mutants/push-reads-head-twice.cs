using System.Threading;

// Mistake: Push links the new node to the head it read once, but compares against a second
// read of the head. If another push lands between the two reads, the CAS succeeds against the
// new head while the node still points to the old one: the other push's item is lost.
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
            node.Next = Volatile.Read(ref _head);
            var expected = Volatile.Read(ref _head);
            if (Interlocked.CompareExchange(ref _head, node, expected) == expected) return;
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

            if (Interlocked.CompareExchange(ref _head, head.Next, head) == head)
            {
                item = head.Value;
                return true;
            }
        }
    }

    public bool IsEmpty => Volatile.Read(ref _head) is null;
}
