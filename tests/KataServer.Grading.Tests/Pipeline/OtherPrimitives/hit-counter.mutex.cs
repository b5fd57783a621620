using System.Threading;

// Correct, if heavy: a kernel mutex around every read and write.
public sealed class HitCounter
{
    private readonly Mutex _mutex = new Mutex();
    private long _count;

    public void Increment()
    {
        _mutex.WaitOne();
        try { _count++; }
        finally { _mutex.ReleaseMutex(); }
    }

    public long Total
    {
        get
        {
            _mutex.WaitOne();
            try { return _count; }
            finally { _mutex.ReleaseMutex(); }
        }
    }
}
