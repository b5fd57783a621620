// Compiled into each mutant's assembly beside the mutant and the kata's tests, then rewritten by `coyote rewrite`
// with them: every Task, lock and Interlocked call below becomes Coyote's controlled version. Not part of the
// benchmark program itself (see the .csproj).
using System.Reflection;
using KataServer.Testing;

namespace KataServer.Bench.Coyote.Harness;

/// <summary>Runs one kata test as the body of a Coyote test iteration and remembers how the first failing one failed.</summary>
public static class CoyoteKataHarness
{
    private static MethodInfo? test;
    private static ulong dataSeed;

    /// <summary>Iterations started since <see cref="Prepare"/>.</summary>
    public static int Iterations;

    /// <summary>The iteration that first threw (0: none threw; a deadlock throws nothing here).</summary>
    public static int FailedIteration;

    /// <summary>The finding kind's wire name of that failure ("exception" when it was not a kata check).</summary>
    public static string? FailureKind;

    public static string? FailureMessage;

    /// <summary>Called before each engine run: which test, and the grade seed its <see cref="TestData"/> draws from.</summary>
    public static void Prepare(MethodInfo kataTest, ulong seed)
    {
        test = kataTest;
        dataSeed = seed;
        Iterations = 0;
        FailedIteration = 0;
        FailureKind = null;
        FailureMessage = null;
    }

    /// <summary>The Coyote test method: one iteration runs the kata test once, as the explorer does per schedule.</summary>
    public static async Task RunAsync()
    {
        var iteration = ++Iterations;
        Concurrent.Driver = CoyoteDriver.Instance;
        TestData.Begin(dataSeed, test!.Name);
        try
        {
            if (test.Invoke(null, null) is Task task) await task;
        }
        catch (Exception e)
        {
            var cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            if (FailedIteration == 0)
            {
                FailedIteration = iteration;
                FailureKind = cause is KataAssertionException check ? check.Kind.ToWireName() : "exception";
                FailureMessage = cause.GetType().Name + ": " + cause.Message;
            }

            throw;
        }
    }
}

/// <summary>
/// <see cref="Concurrent"/>'s bodies as tasks, Coyote's unit of controlled concurrency: each body is one controlled
/// operation, as each body is one operation under our explorer.
/// </summary>
public sealed class CoyoteDriver : IConcurrencyDriver
{
    public static readonly CoyoteDriver Instance = new();

    public void Run(IReadOnlyList<Action> bodies)
    {
        var tasks = new Task[bodies.Count];
        for (var i = 0; i < tasks.Length; i++) tasks[i] = Task.Run(bodies[i]);
        var failures = new Exception?[tasks.Length];
        for (var i = 0; i < tasks.Length; i++)
        {
            try { tasks[i].Wait(); }
            catch (AggregateException e) { failures[i] = e.InnerException ?? e; }
        }

        Concurrent.RethrowFirst(failures);
    }

    public Task RunAsync(IReadOnlyList<Func<Task>> bodies)
    {
        var tasks = new Task[bodies.Count];
        for (var i = 0; i < tasks.Length; i++) tasks[i] = Task.Run(bodies[i]);
        return Task.WhenAll(tasks);
    }
}
