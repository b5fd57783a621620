using System.Runtime.ExceptionServices;

namespace KataServer.Testing;

/// <summary>
/// Runs the bodies of a kata test concurrently. On real threads all bodies are released together
/// (a start gate, as in jcstress); under the schedule explorer each body is a controlled operation.
/// The runner chooses which by setting <see cref="Driver"/>; test code never does.
/// </summary>
public static class Concurrent
{
    private static IConcurrencyDriver driver = RealThreadsDriver.Instance;

    public static IConcurrencyDriver Driver
    {
        get => Volatile.Read(ref driver);
        set => Volatile.Write(ref driver, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// True when bodies run on real threads (stress), false under the schedule explorer. Tests use it to size
    /// their work: thousands of operations make a race likely on real cores, while a few operations per
    /// thread already give the explorer every interleaving that matters.
    /// </summary>
    public static bool OnRealThreads => Driver is RealThreadsDriver;

    /// <summary>Runs every body on its own thread, all released together; returns when all have returned.
    /// The first exception thrown by a body is rethrown.</summary>
    public static void Run(params Action[] bodies)
    {
        var run = new OverlapRecorder.Run(bodies.Length);
        try
        {
            Driver.Run(bodies.Select((body, index) => (Action)(() =>
            {
                OverlapRecorder.Enter(run, index);
                try { body(); }
                finally { OverlapRecorder.Leave(); }
            })).ToArray());
        }
        finally
        {
            OverlapRecorder.Record(run);
        }
    }

    /// <summary>Runs <paramref name="threadCount"/> copies of <paramref name="body"/>, each given its index.</summary>
    public static void Run(int threadCount, Action<int> body) =>
        Run(Enumerable.Range(0, threadCount).Select(index => (Action)(() => body(index))).ToArray());

    /// <summary>Starts every asynchronous body concurrently and completes when all have completed.
    /// <see cref="OperationDone"/> marks in the bodies count as in <see cref="Run(Action[])"/> (the body's mark follows
    /// it across awaits); the run is counted when the runner next reads <see cref="Overlap"/>.</summary>
    public static Task RunAsync(params Func<Task>[] bodies)
    {
        // No await here: this assembly is not rewritten, so a continuation of ours would escape the explorer's control.
        var run = new OverlapRecorder.Run(bodies.Length);
        OverlapRecorder.RecordLater(run);
        return Driver.RunAsync(bodies.Select((body, index) => (Func<Task>)(() =>
        {
            // Each body runs in a task of its own: what it sets here flows into its awaits, and no further.
            OverlapRecorder.Enter(run, index);
            var task = body();
            OverlapRecorder.Suspended();
            return task;
        })).ToArray());
    }

    public static Task RunAsync(int count, Func<int, Task> body) =>
        RunAsync(Enumerable.Range(0, count).Select(index => (Func<Task>)(() => body(index))).ToArray());

    /// <summary>
    /// Call from a body of <see cref="Run(Action[])"/> after each operation on the code under test (a transfer, a
    /// put, an increment). The runner uses these marks to see whether the bodies really ran at the same time: when,
    /// over all iterations (or schedules) of a test, no body ever completed an operation while another body was
    /// between two of its own, the code made the test's threads run one after another (for example by sleeping on
    /// its first call), and the test reports a <see cref="FindingKind.Serialized"/> finding. Cheap (a counter);
    /// outside a body it does nothing.
    /// </summary>
    public static void OperationDone() => OverlapRecorder.Mark();

    /// <summary>For the runner: what <see cref="OperationDone"/> saw since <see cref="ResetOverlap"/>.</summary>
    public static OverlapCounts Overlap => OverlapRecorder.Counts;

    /// <summary>For the runner: starts counting a new test's runs.</summary>
    public static void ResetOverlap() => OverlapRecorder.Reset();

    /// <summary>For drivers: rethrows the failure of a run that tells the learner most (a broken rule before a knock-on exception).</summary>
    public static void RethrowFirst(IReadOnlyList<Exception?> failures)
    {
        var first = failures.FirstOrDefault(e => e is KataAssertionException) ?? failures.FirstOrDefault(e => e is not null);
        if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
    }
}

/// <summary>How <see cref="Concurrent"/> runs bodies: on real threads, or under a controlled scheduler.</summary>
public interface IConcurrencyDriver
{
    void Run(IReadOnlyList<Action> bodies);

    Task RunAsync(IReadOnlyList<Func<Task>> bodies);
}
