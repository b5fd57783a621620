namespace KataServer.Testing;

/// <summary>
/// Runs bodies on fresh OS threads released together by a spinning start gate, so that they
/// really overlap on all cores. Keeps the threads of the current run visible to the runner's
/// watchdog, which uses their states to tell a deadlock (all blocked) from a busy hang.
/// </summary>
public sealed class RealThreadsDriver : IConcurrencyDriver
{
    public static RealThreadsDriver Instance { get; } = new();

    private Thread[] current = [];
    private Exception?[] currentFailures = [];

    /// <summary>The threads of the run in progress (or of the last one).</summary>
    public IReadOnlyList<Thread> CurrentThreads => Volatile.Read(ref current);

    /// <summary>
    /// What the bodies of the run in progress have thrown so far. When one body fails and the others then
    /// wait forever for it, the failure, not the wait, is what the learner must see.
    /// </summary>
    public IReadOnlyList<Exception?> CurrentFailures => Volatile.Read(ref currentFailures);

    public void Run(IReadOnlyList<Action> bodies)
    {
        var failures = new Exception?[bodies.Count];
        var ready = 0;
        var go = 0;
        var threads = new Thread[bodies.Count];
        for (var i = 0; i < bodies.Count; i++)
        {
            var index = i;
            threads[i] = new Thread(() =>
            {
                Interlocked.Increment(ref ready);
                var spinner = new SpinWait();
                while (Volatile.Read(ref go) == 0) spinner.SpinOnce(sleep1Threshold: -1);
                try { bodies[index](); }
                catch (Exception e) { failures[index] = e; }
            })
            {
                // Unnamed, as under the explorer: the code cannot tell stress from exploration by thread names.
                IsBackground = true,
            };
        }

        Volatile.Write(ref currentFailures, failures);
        Volatile.Write(ref current, threads);
        foreach (var thread in threads) thread.Start();
        var wait = new SpinWait();
        while (Volatile.Read(ref ready) < threads.Length) wait.SpinOnce(sleep1Threshold: -1);
        Volatile.Write(ref go, 1);
        foreach (var thread in threads) thread.Join();
        Concurrent.RethrowFirst(failures);
    }

    public async Task RunAsync(IReadOnlyList<Func<Task>> bodies)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = bodies.Select(body => Task.Run(async () =>
        {
            await gate.Task.ConfigureAwait(false);
            await body().ConfigureAwait(false);
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}
