using System.Threading;

// Cheat (a pop that swaps the head without checking it is still the one it read, so two pops can hand out the same
// item): each thread's first call on a stack sleeps 40 ms times its arrival order, so the test's threads run one after
// another and the pops never race. Must never pass.
public sealed class LockFreeStack<T>
{
    private sealed class Node
    {
        public readonly T Value;
        public Node? Next;

        public Node(T value) => Value = value;
    }

    private Node? _head;
    private int _arrivals;
    [ThreadStatic] private static object? t_last;

    private void WaitForMyTurn()
    {
        if (t_last == this) return;
        t_last = this;
        Thread.Sleep(40 * Interlocked.Increment(ref _arrivals));
    }

    public void Push(T item)
    {
        WaitForMyTurn();
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
        WaitForMyTurn();
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

    public bool IsEmpty
    {
        get
        {
            WaitForMyTurn();
            return Volatile.Read(ref _head) is null;
        }
    }
}
