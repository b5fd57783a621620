using System.Threading;

// Mistake: to avoid contention each thread counts in its own ThreadLocal slot, but Total only
// reads the slot of the thread that asks, so the hits made by every other thread are missing.
public sealed class HitCounter
{
    private readonly ThreadLocal<long> _mine = new ThreadLocal<long>();

    public void Increment()
    {
        _mine.Value++;
    }

    public long Total => _mine.Value;
}
