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
}

/// <summary>How <see cref="Concurrent"/> runs bodies: on real threads, or under a controlled scheduler.</summary>
public interface IConcurrencyDriver
{
    void Run(IReadOnlyList<Action> bodies);

    Task RunAsync(IReadOnlyList<Func<Task>> bodies);
}
