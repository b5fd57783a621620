using System.Threading;

// Mistake: a hand-written compare-and-swap that tries once. When another thread changed the
// counter between the read and the CompareExchange, the swap fails and the hit is dropped.
public sealed class HitCounter
{
    private long _count;

    public void Increment()
    {
        long seen = Volatile.Read(ref _count);
        Interlocked.CompareExchange(ref _count, seen + 1, seen);
    }

    public long Total => Volatile.Read(ref _count);
}
