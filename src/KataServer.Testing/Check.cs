using System.Diagnostics.CodeAnalysis;

namespace KataServer.Testing;

/// <summary>
/// Assertions for kata tests. Each failure names the kind of finding the learner sees. A failure is also remembered
/// (the first of a run): a check in a callback the learner's code calls (a job, a factory, a loader) throws into that
/// code, which may catch and swallow it; the runner still reports it (<see cref="TakeBroken"/>).
/// </summary>
public static class Check
{
    private static KataAssertionException? broken;

    public static void That(bool condition, FindingKind kind, string message)
    {
        if (!condition) throw Broken(new KataAssertionException(kind, message));
    }

    public static void Equal<T>(T expected, T actual, FindingKind kind, string message)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw Broken(new KataAssertionException(kind, $"{message} (expected {Show(expected)}, got {Show(actual)})"));
    }

    [DoesNotReturn]
    public static void Fail(FindingKind kind, string message) => throw Broken(new KataAssertionException(kind, message));

    /// <summary>For the runner: the first rule broken since the last call (null when none), forgotten here.</summary>
    public static KataAssertionException? TakeBroken() => Interlocked.Exchange(ref broken, null);

    internal static KataAssertionException Broken(KataAssertionException failure)
    {
        Interlocked.CompareExchange(ref broken, failure, null);
        return failure;
    }

    private static string Show<T>(T value) => value switch
    {
        null => "null",
        string text => '"' + text + '"',
        _ => value.ToString() ?? "",
    };
}

/// <summary>A kata rule was broken. Thrown by <see cref="Check"/>; the runner turns it into a finding.</summary>
public sealed class KataAssertionException(FindingKind kind, string message) : Exception(message)
{
    public FindingKind Kind { get; } = kind;
}
