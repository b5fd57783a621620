using System.Threading;

// Striped counting: each thread picks its stripe once (kept in a [ThreadStatic] field) from a
// process-wide round-robin counter. The cell is bumped with a plain ++, so two threads that land
// on the same stripe can lose a hit.
public sealed class HitCounter
{
    private const int Stripes = 3;
    private static int s_next;
    [System.ThreadStatic] private static int t_stripe;
    private readonly long[] _cells = new long[Stripes + 1];

    public void Increment()
    {
        if (t_stripe == 0) t_stripe = (int)((uint)Interlocked.Increment(ref s_next) % Stripes) + 1;
        _cells[t_stripe]++;
    }

    public long Total
    {
        get
        {
            long sum = 0;
            for (int i = 1; i <= Stripes; i++) sum += Interlocked.Read(ref _cells[i]);
            return sum;
        }
    }
}
