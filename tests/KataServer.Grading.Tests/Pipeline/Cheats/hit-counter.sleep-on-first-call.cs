using System.Threading;

// Cheat (the starter's lost-update bug underneath): each thread's first Increment on a counter sleeps 40 ms times its
// arrival order, so the threads count one after another and the plain ++ never races. Must never pass.
public sealed class HitCounter
{
    private long _count;
    private int _arrivals;
    [ThreadStatic] private static HitCounter? t_last;

    public void Increment()
    {
        if (t_last != this)
        {
            t_last = this;
            Thread.Sleep(40 * Interlocked.Increment(ref _arrivals));
        }

        _count++;
    }

    public long Total => _count;
}
