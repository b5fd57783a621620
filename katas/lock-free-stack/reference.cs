using System.Threading;

// Reference: the Treiber stack. The head is a single reference changed only by
// Interlocked.CompareExchange: "swap the head from what I saw to my new value, unless someone
// changed it meanwhile, in which case look again and retry". Each Push and successful TryPop
// takes effect at its successful CAS. Nodes are never reused, so the GC rules out the ABA
// problem.
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
        var spinner = new SpinWait();
        while (true)
        {
            var head = Volatile.Read(ref _head);
            node.Next = head;
            if (Interlocked.CompareExchange(ref _head, node, head) == head) return;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public bool TryPop(out T item)
    {
        var spinner = new SpinWait();
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
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public bool IsEmpty => Volatile.Read(ref _head) is null;
}
