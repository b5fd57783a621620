using System.Diagnostics.CodeAnalysis;

namespace KataServer.Testing;

/// <summary>Assertions for kata tests. Each failure names the kind of finding the learner sees.</summary>
public static class Check
{
    public static void That(bool condition, FindingKind kind, string message)
    {
        if (!condition) throw new KataAssertionException(kind, message);
    }

    public static void Equal<T>(T expected, T actual, FindingKind kind, string message)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new KataAssertionException(kind, $"{message} (expected {Show(expected)}, got {Show(actual)})");
    }

    [DoesNotReturn]
    public static void Fail(FindingKind kind, string message) => throw new KataAssertionException(kind, message);

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
