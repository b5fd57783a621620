using System;
using System.Diagnostics;
using System.Threading;

// A plain ++ split around a few yields whose number the clocks pick (a back-off tuned by the time): the lost update is
// found whatever the clocks say, but which schedule shows it depends on their absolute values, which differ in every
// process. The replay token carries the clocks the finding saw, so it replays exactly in another process.
public sealed class HitCounter
{
    private long _count;

    public void Increment()
    {
        long seen = _count;
        long turns = (Stopwatch.GetTimestamp() / 1000 + DateTime.UtcNow.Ticks / 10 + Environment.TickCount64) % 4;
        for (long i = 0; i < turns; i++) Thread.Yield();
        _count = seen + 1;
    }

    public long Total => Volatile.Read(ref _count);
}
