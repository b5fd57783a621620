using System.Threading;

// Correct, old-fashioned: the pre-Slim ReaderWriterLock.
public sealed class HitCounter
{
    private readonly ReaderWriterLock _lock = new ReaderWriterLock();
    private long _count;

    public void Increment()
    {
        _lock.AcquireWriterLock(Timeout.Infinite);
        try { _count++; } finally { _lock.ReleaseWriterLock(); }
    }

    public long Total
    {
        get
        {
            _lock.AcquireReaderLock(Timeout.Infinite);
            try { return _count; } finally { _lock.ReleaseReaderLock(); }
        }
    }
}
