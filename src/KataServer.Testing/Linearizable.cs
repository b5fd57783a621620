using KataServer.Testing.Linearizability;

namespace KataServer.Testing;

/// <summary>
/// Linearizability in one call of a kata test: runs a Lincheck-style scenario (an init part, a parallel
/// part per thread, a post part) built from the kata's operations, and checks the recorded history against
/// a sequential model. Threads run through <see cref="Concurrent"/>, so the same test is stressed on real
/// threads and explored by the schedule explorer. A violation is shrunk (on real threads) to a minimal
/// scenario and reported as a small table of threads, operations and results.
/// </summary>
public static class Linearizable
{
    private static int nextSeed;

    /// <param name="shape">threads and operations per scenario; under the explorer keep it small (it tries the interleavings)</param>
    /// <param name="exploreSeed">the scenario explored under the schedule explorer: fixed, so a replay token reproduces it</param>
    public static void Check<T, TState>(
        Func<T> factory,
        IReadOnlyList<OperationSpec<T>> operations,
        ISequentialModel<TState> model,
        ScenarioShape shape,
        int exploreSeed = 1,
        CheckOptions? checkOptions = null)
    {
        var onRealThreads = Concurrent.OnRealThreads;
        var options = new ScenarioRunnerOptions
        {
            Shape = shape,
            Scenarios = 1,
            InvocationsPerScenario = 1,
            Seed = onRealThreads ? Interlocked.Increment(ref nextSeed) : exploreSeed,
            Shrink = onRealThreads,
            StuckIsFailure = true,
            Executor = RunThroughConcurrent,
        };

        var report = ScenarioRunner<T>.ForModel(factory, operations, model, options, checkOptions).Run();
        if (report.Failure is { } failure)
        {
            throw KataServer.Testing.Check.Broken(new KataAssertionException(
                failure.Kind == FailureKind.Hung ? FindingKind.Hang : FindingKind.NotLinearizable,
                failure.Render()));
        }
    }

    /// <summary>A stuck body is the runner's business (its watchdog names deadlocks and endless loops), not the scenario's.</summary>
    private static ParallelOutcome RunThroughConcurrent(IReadOnlyList<Action> bodies, TimeSpan watchdog)
    {
        Concurrent.Run([.. bodies]);
        return ParallelOutcome.AllCompleted;
    }
}
