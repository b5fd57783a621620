namespace KataServer.Scheduling.Runtime;

/// <summary>Real threads reused across operations and schedules.</summary>
internal sealed class Worker
{
    private static readonly Stack<Worker> Idle = new();
    private static int created;

    internal readonly Parker Parker = new();
    private readonly Thread thread;
    private ControlledOperation? job;

    private Worker()
    {
        int n = Interlocked.Increment(ref created);
        thread = new Thread(Loop, 4 * 1024 * 1024) { IsBackground = true, Name = "kata-scheduler-" + n };
        thread.Start();
    }

    internal Thread Thread => thread;

    /// <summary>Set when the worker must not be reused (it was interrupted or abandoned).</summary>
    internal volatile bool Retired;

    internal static int CreatedCount => Volatile.Read(ref created);

    /// <summary>
    /// The CPU this worker's thread is pinned to, -1 for every CPU of the process, or -2 at first: a new thread
    /// inherits its creator's pin, often another worker's (see <see cref="CpuAffinity"/>).
    /// </summary>
    private int pinnedCpu = -2;

    /// <summary>Moves this worker's thread (the calling thread) to the CPU of <paramref name="op"/>'s exploration.</summary>
    private void FollowCpuOf(ControlledOperation op)
    {
        int cpu = op.Runtime.Cpu;
        if (cpu != pinnedCpu && CpuAffinity.PinCurrentThread(cpu))
        {
            pinnedCpu = cpu;
            // Threads that share one CPU cannot hand over while this one spins: park at once.
            Parker.Spins = cpu >= 0 ? 0 : Parker.SpinIterations;
        }
    }

    internal static Worker Rent()
    {
        lock (Idle)
        {
            if (Idle.Count > 0)
            {
                return Idle.Pop();
            }
        }

        return new Worker();
    }

    /// <summary>Hands <paramref name="op"/> to this idle worker; the worker runs it once unparked.</summary>
    internal void Assign(ControlledOperation op)
    {
        job = op;
        op.Worker = this;
    }

    private void Loop()
    {
        try
        {
            LoopCore();
        }
        catch (Exception e)
        {
            // Never let an engine failure take the process down: fail the schedule this worker was serving.
            Retired = true;
            if (job is { } op)
            {
                op.Runtime.Cancel(Scheduling.BugKind.Uncontrolled, "Internal scheduler error: " + e, e);
                if (op.Runtime.Session is { } session)
                {
                    session.Abort(op.Runtime);
                }
                else
                {
                    op.Runtime.SignalDone();
                }
            }
        }
    }

    /// <summary>Runs <paramref name="op"/>, then whatever operation its completion assigned to this worker (see ControlledRuntime.Complete).</summary>
    private bool RunAssigned(ref ControlledOperation op)
    {
        while (true)
        {
            FollowCpuOf(op);
            bool finished = op.Runtime.RunOperation(op);
            if (finished || job is not { } next || next == op)
            {
                return finished;
            }

            op = next;
        }
    }

    private void LoopCore()
    {
        while (true)
        {
            if (!Parker.Park(60_000))
            {
                lock (Idle)
                {
                    if (job is null && Idle.Contains(this))
                    {
                        // Idle for a minute: leave the pool.
                        var keep = Idle.Where(w => w != this).Reverse().ToList();
                        Idle.Clear();
                        foreach (var w in keep)
                        {
                            Idle.Push(w);
                        }

                        return;
                    }
                }

                continue;
            }

            var op = job;
            if (op is null)
            {
                continue;
            }

            bool finished = false;
            try
            {
                finished = RunAssigned(ref op);

                // Schedules of a session are chained on this thread: no hand-off between consecutive schedules.
                while (finished && op.Runtime.Session is { } session)
                {
                    var next = session.OnScheduleFinished(op.Runtime);
                    finished = false;
                    if (next is null)
                    {
                        break;
                    }

                    if (Retired)
                    {
                        next.StartMainOnNewWorker(session.Body);
                        break;
                    }

                    op = next.PrepareMain(session.Body, this);
                    finished = RunAssigned(ref op);
                }
            }
            catch (ThreadInterruptedException)
            {
                Retired = true;
            }

            job = null;
            if (!Retired)
            {
                // Drop any stale permit (e.g. from a cancellation) before another schedule can rent this worker.
                Parker.Reset();
                lock (Idle)
                {
                    Idle.Push(this);
                }
            }

            if (finished)
            {
                op.Runtime.SignalDone();
            }

            if (Retired)
            {
                return;
            }
        }
    }
}
