public sealed class Counter
{
    private long _count;

    public void Increment() => _count++;

    public void Add(long amount) => _count += amount;

    public long Total => _count;
}
