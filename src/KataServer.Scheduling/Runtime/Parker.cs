namespace KataServer.Scheduling.Runtime;

/// <summary>A binary permit (like Java's LockSupport): Unpark before Park makes Park return at once.
/// Spins briefly before blocking, since hand-offs between operations are short. Blocks on a futex on Linux
/// (see <see cref="Futex"/>), on a Monitor elsewhere.</summary>
internal sealed class Parker
{
    private const int Empty = 0;
    private const int Notified = 1;
    private const int Parked = -1;

    private readonly bool useFutex;
    private readonly object gate = new();
    private int state;

    internal Parker()
        : this(Futex.Available)
    {
    }

    /// <param name="useFutex">block on a futex (Linux only) rather than a Monitor</param>
    internal Parker(bool useFutex) => this.useFutex = useFutex && Futex.Available;

    /// <summary>How long to spin before yielding and blocking (none when the threads that unpark this one share its CPU).</summary>
    internal int Spins = SpinIterations;

    public void Unpark()
    {
        // Full fence (Dekker): the permit must be visible before we look whether the owner sleeps.
        if (Interlocked.Exchange(ref state, Notified) == Parked)
        {
            if (useFutex)
            {
                Futex.WakeOne(ref state);
            }
            else
            {
                lock (gate)
                {
                    Monitor.Pulse(gate);
                }
            }
        }
    }

    /// <summary>Drops a permit nobody will consume (only the owner calls it, never while parked).</summary>
    public void Reset() => Interlocked.Exchange(ref state, Empty);

    /// <summary>Returns false on timeout.</summary>
    public bool Park(int timeoutMs = Timeout.Infinite)
    {
        if (TryConsume())
        {
            return true;
        }

        for (int i = 0; i < Spins; i++)
        {
            Thread.SpinWait(20);
            if (TryConsume())
            {
                return true;
            }
        }

        for (int i = 0; i < YieldIterations; i++)
        {
            Thread.Yield();
            if (TryConsume())
            {
                return true;
            }
        }

        return useFutex ? ParkOnFutex(timeoutMs) : ParkOnMonitor(timeoutMs);
    }

    private bool TryConsume() => Volatile.Read(ref state) == Notified && Interlocked.CompareExchange(ref state, Empty, Notified) == Notified;

    private bool ParkOnFutex(int timeoutMs)
    {
        if (Interlocked.CompareExchange(ref state, Parked, Empty) != Empty)
        {
            Interlocked.Exchange(ref state, Empty); // it was Notified
            return true;
        }

        long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        while (true)
        {
            int wait = WaitMs(timeoutMs, deadline);
            if (wait != 0)
            {
                Futex.Wait(ref state, Parked, wait);
            }

            if (TryConsume())
            {
                return true;
            }

            if (timeoutMs >= 0 && deadline - Environment.TickCount64 <= 0)
            {
                // Leave the parked state; an Unpark that came in the meantime still counts.
                return Interlocked.Exchange(ref state, Empty) == Notified;
            }
        }
    }

    private bool ParkOnMonitor(int timeoutMs)
    {
        lock (gate)
        {
            if (Interlocked.CompareExchange(ref state, Parked, Empty) != Empty)
            {
                Interlocked.Exchange(ref state, Empty);
                return true;
            }

            long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
            while (true)
            {
                try
                {
                    int wait = WaitMs(timeoutMs, deadline);
                    if (wait != 0)
                    {
                        Monitor.Wait(gate, wait);
                    }
                }
                catch (ThreadInterruptedException)
                {
                    Interlocked.CompareExchange(ref state, Empty, Parked);
                    throw;
                }

                if (TryConsume())
                {
                    return true;
                }

                if (timeoutMs >= 0 && deadline - Environment.TickCount64 <= 0)
                {
                    return Interlocked.Exchange(ref state, Empty) == Notified;
                }
            }
        }
    }

    /// <summary>How long to wait now: infinite (-1) without a timeout, else what is left of it (0 once past the deadline).</summary>
    private static int WaitMs(int timeoutMs, long deadline) =>
        timeoutMs < 0 ? Timeout.Infinite : (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);

    /// <summary>Tuning knobs (measured best on the 2-core box under load: 10 spins, no yields).</summary>
    internal static int YieldIterations = int.TryParse(Environment.GetEnvironmentVariable("KATA_SCHED_YIELD"), out int y) ? y : 0;

    internal static int SpinIterations = int.TryParse(Environment.GetEnvironmentVariable("KATA_SCHED_SPIN"), out int v) ? v : (Environment.ProcessorCount > 1 ? 10 : 0);
}
