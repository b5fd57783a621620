namespace KataServer.Testing.Linearizability;

/// <summary>
/// Runs the given thread bodies "at the same time" and waits for them, at most
/// <paramref name="watchdog"/>. Real threads with a start barrier (<see cref="RealThreadsExecutor"/>)
/// or a controlled scheduler both fit: scenario generation, recording and checking do not depend on
/// how the bodies are scheduled. Bodies never throw (the runner records exceptions as results).
/// </summary>
public delegate ParallelOutcome ParallelExecutor(IReadOnlyList<Action> threadBodies, TimeSpan watchdog);

/// <summary>What happened to the bodies: all finished, or some were still running at the watchdog.</summary>
/// <param name="Unfinished">Indices of bodies that had not finished.</param>
/// <param name="Error">An exception that escaped a body (a harness fault, not a learner result).</param>
public sealed record ParallelOutcome(bool Completed, IReadOnlyList<int> Unfinished, Exception? Error = null)
{
    public static readonly ParallelOutcome AllCompleted = new(true, []);
}

/// <summary>
/// Runs bodies on fresh background threads, released together: each thread announces itself and
/// spins until all are ready and the coordinator opens the gate, so they start within microseconds
/// of each other. Threads still running at the watchdog are abandoned (they are background threads;
/// .NET cannot abort them) and reported as unfinished.
/// </summary>
public static class RealThreadsExecutor
{
    public static ParallelExecutor Executor { get; } = Execute;

    public static ParallelOutcome Execute(IReadOnlyList<Action> threadBodies, TimeSpan watchdog)
    {
        ArgumentNullException.ThrowIfNull(threadBodies);
        var n = threadBodies.Count;
        if (n == 0)
        {
            return ParallelOutcome.AllCompleted;
        }

        var gate = new Gate();
        var done = new int[n];
        var errors = new Exception?[n];
        var threads = new Thread[n];
        for (var i = 0; i < n; i++)
        {
            var index = i;
            var body = threadBodies[i];
            threads[i] = new Thread(() =>
            {
                Interlocked.Increment(ref gate.Ready);
                var spin = default(SpinWait);
                while (Volatile.Read(ref gate.Open) == 0)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                try
                {
                    body();
                }
                catch (Exception e)
                {
                    errors[index] = e;
                }
                finally
                {
                    Volatile.Write(ref done[index], 1);
                }
            })
            {
                IsBackground = true,
                Name = "kata-scenario-" + (i + 1),
            };
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var t in threads)
        {
            t.Start();
        }

        var wait = default(SpinWait);
        while (Volatile.Read(ref gate.Ready) < n && clock.Elapsed < watchdog)
        {
            wait.SpinOnce();
        }

        Volatile.Write(ref gate.Open, 1);
        foreach (var t in threads)
        {
            var left = watchdog - clock.Elapsed;
            if (left <= TimeSpan.Zero || !t.Join(left))
            {
                break;
            }
        }

        var unfinished = Enumerable.Range(0, n).Where(i => Volatile.Read(ref done[i]) == 0).ToArray();
        return new ParallelOutcome(unfinished.Length == 0, unfinished, errors.FirstOrDefault(e => e is not null));
    }

    private sealed class Gate
    {
        public int Ready;
        public int Open;
    }
}

/// <summary>One execution of a scenario on a fresh target: the recorded history and whether every thread finished.</summary>
public sealed record ScenarioRun(Scenario Scenario, History History, bool Completed, IReadOnlyList<int> UnfinishedThreads, Exception? HarnessError)
{
    /// <summary>Recorder thread index of the init part (parallel threads are 0..Threads-1).</summary>
    public int InitThread => Scenario.Threads;

    /// <summary>Recorder thread index of the post part.</summary>
    public int PostThread => Scenario.Threads + 1;

    /// <summary>The recorded operation for a scenario position, or null if it never started.</summary>
    public Operation? Find(int thread, int index) =>
        History.Operations.FirstOrDefault(o => o.ThreadId == thread && o.Index == index);
}
