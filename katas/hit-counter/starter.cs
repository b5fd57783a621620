// Counts hits. Many threads call Increment at the same time.
// This version loses hits under contention: make it exact (and fast).
public sealed class HitCounter
{
    private long _count;

    public void Increment()
    {
        _count++;
    }

    public long Total => _count;
}
