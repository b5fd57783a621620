namespace KataServer.Scheduling.Runtime;

/// <summary>A binary permit (like Java's LockSupport): Unpark before Park makes Park return at once.
/// Spins briefly before blocking, since hand-offs between operations are short.</summary>
internal sealed class Parker
{
    private readonly object gate = new();
    private volatile int permit;
    private bool waiting;

    public void Unpark()
    {
        permit = 1;
        if (Volatile.Read(ref waiting))
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

        for (int i = 0; i < SpinIterations; i++)
        {
            Thread.SpinWait(20);
            if (permit == 1)
            {
                permit = 0;
                return true;
            }
        }

        lock (gate)
        {
            Volatile.Write(ref waiting, true);
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
                Volatile.Write(ref waiting, false);
            }
        }

        permit = 0;
        return true;
    }

    internal static int SpinIterations = Environment.ProcessorCount > 1 ? 50 : 0;
}
