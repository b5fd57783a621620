using System.Threading;

// Mistake: Volatile makes each read and each write visible, but the read and the write are
// still two separate steps: two threads can read the same value and both write value + 1.
public sealed class HitCounter
{
    private long _count;

    public void Increment()
    {
        Volatile.Write(ref _count, Volatile.Read(ref _count) + 1);
    }

    public long Total => Volatile.Read(ref _count);
}
