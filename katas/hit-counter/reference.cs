using System.Threading;

// Reference: one Interlocked.Increment per hit. The hardware makes the read-add-write a single
// atomic step, so no hit is lost, and no thread ever waits for a lock.
public sealed class HitCounter
{
    private long _count;

    public void Increment() => Interlocked.Increment(ref _count);

    public long Total => Interlocked.Read(ref _count);
}
