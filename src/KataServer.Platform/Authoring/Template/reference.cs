using System.Threading;

public sealed class Counter
{
    private long _count;

    public void Increment() => Interlocked.Increment(ref _count);

    public void Add(long amount) => Interlocked.Add(ref _count, amount);

    public long Total => Interlocked.Read(ref _count);
}
