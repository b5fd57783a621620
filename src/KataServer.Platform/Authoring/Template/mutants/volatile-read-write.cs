using System.Threading;

public sealed class Counter
{
    private long _count;

    public void Increment() => Volatile.Write(ref _count, Volatile.Read(ref _count) + 1);

    public void Add(long amount) => Interlocked.Add(ref _count, amount);

    public long Total => Interlocked.Read(ref _count);
}
