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
    public static void Run(params Action[] bodies) => Driver.Run(bodies);

    /// <summary>Runs <paramref name="threadCount"/> copies of <paramref name="body"/>, each given its index.</summary>
    public static void Run(int threadCount, Action<int> body) =>
        Run(Enumerable.Range(0, threadCount).Select(index => (Action)(() => body(index))).ToArray());

    /// <summary>Starts every asynchronous body concurrently and completes when all have completed.</summary>
    public static Task RunAsync(params Func<Task>[] bodies) => Driver.RunAsync(bodies);

    public static Task RunAsync(int count, Func<int, Task> body) =>
        RunAsync(Enumerable.Range(0, count).Select(index => (Func<Task>)(() => body(index))).ToArray());

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
