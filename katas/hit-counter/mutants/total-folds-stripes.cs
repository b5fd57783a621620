// Mistake: striped counters whose Total "compacts" each stripe into a base value, in two steps:
// Exchange(stripe, 0), then Add(base, v). One reader at a time is exact, but a second reader that
// runs between the two steps of the first misses the hits in flight between stripe and base.
using System;
using System.Threading;

public sealed class HitCounter
{
    private const int Stride = 8; // 64-byte spacing to avoid false sharing
    private readonly long[] _cells = new long[Math.Max(2, Environment.ProcessorCount) * 2 * Stride];
    private long _base;

    public void Increment()
    {
        int slots = _cells.Length / Stride;
        int i = (Environment.CurrentManagedThreadId % slots) * Stride;
        Interlocked.Increment(ref _cells[i]);
    }

    public long Total
    {
        get
        {
            for (int i = 0; i < _cells.Length; i += Stride)
            {
                long v = Interlocked.Exchange(ref _cells[i], 0);
                if (v != 0) Interlocked.Add(ref _base, v);
            }
            return Volatile.Read(ref _base);
        }
    }
}
