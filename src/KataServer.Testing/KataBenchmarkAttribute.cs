namespace KataServer.Testing;

/// <summary>
/// Marks a throughput benchmark of a kata: a public static method <c>void Name(int threads, int operationsPerThread)</c>
/// that builds fresh state and performs <c>threads x operationsPerThread</c> operations (with
/// <see cref="Concurrent.Run(int, Action{int})"/>). The runner times it for the submission and for the
/// kata's reference in the same process, at one thread and at several, and reports throughput ratios.
/// Benchmarks run only once every test has passed: correctness comes first.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class KataBenchmarkAttribute : Attribute
{
    public string? Description { get; init; }

    /// <summary>Operations each thread performs per timed call; pick enough for a call to take a few milliseconds.</summary>
    public int OperationsPerThread { get; init; } = 10_000;
}
