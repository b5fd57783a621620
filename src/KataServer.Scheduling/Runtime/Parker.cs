namespace KataServer.Scheduling.Runtime;

/// <summary>A binary permit (like Java's LockSupport): Unpark before Park makes Park return at once.
/// Spins briefly before blocking, since hand-offs between operations are short.</summary>
internal sealed class Parker
{
    private readonly object gate = new();
    private volatile int permit;
    private int waiting;

    /// <summary>How long to spin before yielding and blocking (none when the threads that unpark this one share its CPU).</summary>
    internal int Spins = SpinIterations;

    public void Unpark()
    {
        // Full fences on both sides (Dekker): the store of the permit must not pass the load of 'waiting'.
        Interlocked.Exchange(ref permit, 1);
        if (Volatile.Read(ref waiting) != 0)
        {
            lock (gate)
            {
                Monitor.Pulse(gate);
            }
        }
    }

    public void Reset() => permit = 0;

    /// <summary>Returns false on timeout.</summary>
    public bool Park(int timeoutMs = Timeout.Infinite)
    {
        if (permit == 1)
        {
            permit = 0;
            return true;
        }

        for (int i = 0; i < Spins; i++)
        {
            Thread.SpinWait(20);
            if (permit == 1)
            {
                permit = 0;
                return true;
            }
        }

        for (int i = 0; i < YieldIterations; i++)
        {
            Thread.Yield();
            if (permit == 1)
            {
                permit = 0;
                return true;
            }
        }

        lock (gate)
        {
            Interlocked.Exchange(ref waiting, 1);
            try
            {
                long deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
                while (permit == 0)
                {
                    if (timeoutMs < 0)
                    {
                        Monitor.Wait(gate);
                    }
                    else
                    {
                        long left = deadline - Environment.TickCount64;
                        if (left <= 0 || !Monitor.Wait(gate, (int)left))
                        {
                            if (permit == 0)
                            {
                                return false;
                            }
                        }
                    }
                }
            }
            finally
            {
                Volatile.Write(ref waiting, 0);
            }
        }

        permit = 0;
        return true;
    }

    /// <summary>Tuning knobs (measured best on the 2-core box under load: 10 spins, no yields).</summary>
    internal static int YieldIterations = int.TryParse(Environment.GetEnvironmentVariable("KATA_SCHED_YIELD"), out int y) ? y : 0;

    internal static int SpinIterations = int.TryParse(Environment.GetEnvironmentVariable("KATA_SCHED_SPIN"), out int v) ? v : (Environment.ProcessorCount > 1 ? 10 : 0);
}
