// A linked-list stack with no protection at all. Correct on one thread; with several, pushes
// vanish and items are popped twice. Make it thread-safe WITHOUT locks: Interlocked and
// Volatile are your tools.
public sealed class LockFreeStack<T>
{
    private sealed class Node
    {
        public T Value;
        public Node? Next;

        public Node(T value, Node? next)
        {
            Value = value;
            Next = next;
        }
    }

    private Node? _head;

    public void Push(T item)
    {
        _head = new Node(item, _head);
    }

    public bool TryPop(out T item)
    {
        var head = _head;
        if (head is null)
        {
            item = default!;
            return false;
        }
        _head = head.Next;
        item = head.Value;
        return true;
    }

    public bool IsEmpty => _head is null;
}
