using System.Collections.Generic;
using System.Threading;

// Mistake: each thread keeps a few popped nodes (in a ThreadLocal pool) and Push reuses them
// instead of allocating. Between TryPop's read of head.Next and its compare-and-swap, other threads
// can pop that head and the node after it, then push the recycled head back: the head is the same
// object again (ABA), the compare-and-swap succeeds, and it installs a node that is no longer on
// the stack. An item comes out twice and others are lost. Fresh nodes (the GC never reuses a node
// someone still holds) make the compare-and-swap safe.
public sealed class LockFreeStack<T>
{
    private sealed class Node
    {
        public T Value = default!;
        public Node? Next;
    }

    private readonly ThreadLocal<Stack<Node>> _spares = new(() => new Stack<Node>());
    private Node? _head;

    public void Push(T item)
    {
        var pool = _spares.Value!;
        var node = pool.Count > 0 ? pool.Pop() : new Node();
        node.Value = item;
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

            var next = Volatile.Read(ref head.Next);
            if (Interlocked.CompareExchange(ref _head, next, head) == head)
            {
                item = head.Value;
                var pool = _spares.Value!;
                if (pool.Count < 4) pool.Push(head);
                return true;
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public bool IsEmpty => Volatile.Read(ref _head) is null;
}
