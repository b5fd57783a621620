// Mistake: the lock is taken on a new object at every call, so no two threads ever compete
// for the same lock and the increments are not protected at all.
public sealed class HitCounter
{
    private long _count;

    public void Increment()
    {
        lock (new object())
        {
            _count++;
        }
    }

    public long Total
    {
        get
        {
            lock (new object()) return _count;
        }
    }
}
