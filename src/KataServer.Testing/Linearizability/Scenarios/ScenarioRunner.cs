using System.Text;

namespace KataServer.Testing.Linearizability;

public sealed record ScenarioRunnerOptions
{
    public ScenarioShape Shape { get; init; } = new();

    /// <summary>How many different random scenarios to generate.</summary>
    public int Scenarios { get; init; } = 10;

    /// <summary>How many times each scenario runs (each on a fresh target).</summary>
    public int InvocationsPerScenario { get; init; } = 10;

    public int Seed { get; init; } = 1;

    /// <summary>How long each part (init, parallel, post) may run before its threads count as stuck.</summary>
    public TimeSpan Watchdog { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Shrink a failing scenario before reporting it.</summary>
    public bool Shrink { get; init; } = true;

    /// <summary>Runs of each shrink candidate before concluding that it no longer fails.</summary>
    public int ShrinkInvocations { get; init; } = 100;

    /// <summary>Most shrink candidates tried.</summary>
    public int MaxShrinkAttempts { get; init; } = 150;

    /// <summary>A run whose threads did not all finish is a failure even if its partial history is linearizable.</summary>
    public bool StuckIsFailure { get; init; } = true;

    /// <summary>How parallel parts are run; default <see cref="RealThreadsExecutor"/>.</summary>
    public ParallelExecutor? Executor { get; init; }

    /// <summary>Told after every run (and every shrink candidate), for progress bars.</summary>
    public IProgress<ScenarioProgress>? Progress { get; init; }

    /// <summary>Stops between runs; <see cref="ScenarioRunner{TTarget}.Run"/> then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <param name="Runs">Runs done so far (shrinking included).</param>
/// <param name="PlannedRuns">Scenarios x invocations (shrinking comes on top).</param>
/// <param name="Shrinking">True while a failure is being shrunk.</param>
public readonly record struct ScenarioProgress(int Runs, int PlannedRuns, bool Shrinking);

public enum FailureKind
{
    /// <summary>The recorded results have no sequential explanation.</summary>
    NotLinearizable,

    /// <summary>Some thread did not finish within the watchdog (deadlock, livelock, lost wake-up).</summary>
    Hung,
}

/// <summary>A failure found by <see cref="ScenarioRunner{TTarget}"/>, shrunk when enabled.</summary>
public sealed record ScenarioFailure(
    FailureKind Kind,
    Scenario Original,
    Scenario Minimal,
    ScenarioRun Run,
    LinearizabilityResult Check,
    int InvocationsBeforeFound,
    int ShrinkAttempts)
{
    /// <summary>The markdown report for the learner: a table of the minimal run and the explanation.</summary>
    public string Render() => ScenarioRenderer.Render(Run, Check, Kind);

    public override string ToString() => Render();
}

public sealed record ScenarioRunReport(bool Passed, int Invocations, int Undecided, ScenarioFailure? Failure)
{
    public override string ToString() => Passed
        ? $"Passed: {Invocations} runs, every history linearizable{(Undecided > 0 ? $" ({Undecided} undecided within the check budget)" : "")}."
        : Failure!.Render();
}

/// <summary>
/// Generates scenarios, runs each several times on fresh targets through a <see cref="ParallelExecutor"/>,
/// records histories, checks them, and shrinks the first failure.
/// </summary>
public sealed class ScenarioRunner<TTarget>
{
    private readonly Func<TTarget> factory;
    private readonly Dictionary<string, OperationSpec<TTarget>> specs;
    private readonly HistoryCheck check;
    private readonly ScenarioGenerator<TTarget> generator;
    private readonly ParallelExecutor executor;

    public ScenarioRunner(Func<TTarget> factory, IEnumerable<OperationSpec<TTarget>> operations, HistoryCheck check, ScenarioRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(check);
        this.factory = factory;
        this.check = check;
        Options = options ?? new ScenarioRunnerOptions();
        var list = operations.ToList();
        specs = list.ToDictionary(s => s.Name, StringComparer.Ordinal);
        generator = new ScenarioGenerator<TTarget>(list, Options.Shape);
        executor = Options.Executor ?? RealThreadsExecutor.Executor;
    }

    public ScenarioRunnerOptions Options { get; }

    /// <summary>A runner that checks every run against <paramref name="model"/>.</summary>
    public static ScenarioRunner<TTarget> ForModel<TState>(
        Func<TTarget> factory,
        IEnumerable<OperationSpec<TTarget>> operations,
        ISequentialModel<TState> model,
        ScenarioRunnerOptions? options = null,
        CheckOptions? checkOptions = null) =>
        new(factory, operations, LinearizabilityChecker.CreateCheck(model, checkOptions), options);

    public ScenarioGenerator<TTarget> Generator => generator;

    public ScenarioRunReport Run()
    {
        var random = new Random(Options.Seed);
        var invocations = 0;
        var undecided = 0;
        for (var s = 0; s < Options.Scenarios; s++)
        {
            var scenario = generator.Generate(random);
            for (var i = 0; i < Options.InvocationsPerScenario; i++)
            {
                Options.CancellationToken.ThrowIfCancellationRequested();
                invocations++;
                var run = Execute(scenario);
                Options.Progress?.Report(new ScenarioProgress(invocations, Options.Scenarios * Options.InvocationsPerScenario, false));
                var (kind, result) = Evaluate(run);
                if (result.TimedOut)
                {
                    undecided++;
                }

                if (kind is { } k)
                {
                    return new ScenarioRunReport(false, invocations, undecided, Report(k, scenario, run, result, invocations));
                }
            }
        }

        return new ScenarioRunReport(true, invocations, undecided, null);
    }

    /// <summary>Runs one scenario once, on a fresh target.</summary>
    public ScenarioRun Execute(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var target = factory();
        var n = scenario.Threads;
        var recorder = new HistoryRecorder(n + 2);
        for (var t = 0; t < n; t++)
        {
            recorder.NameThread(t, "thread " + (t + 1));
        }

        recorder.NameThread(n, "init");
        recorder.NameThread(n + 1, "post");

        Action Body(int thread, IReadOnlyList<ScenarioOp> ops) => () =>
        {
            foreach (var op in ops)
            {
                var spec = specs[op.Name];
                recorder.Record(thread, op.Name, op.Argument, () => spec.Invoke(target, op.Argument));
            }
        };

        var outcome = executor([Body(n, scenario.InitPart)], Options.Watchdog);
        if (outcome.Completed && outcome.Error is null)
        {
            var bodies = new Action[n];
            for (var t = 0; t < n; t++)
            {
                bodies[t] = Body(t, scenario.ParallelPart[t]);
            }

            outcome = executor(bodies, Options.Watchdog);
            if (outcome.Completed && outcome.Error is null)
            {
                outcome = executor([Body(n + 1, scenario.PostPart)], Options.Watchdog);
            }
        }

        var history = recorder.Snapshot();
        var unfinished = history.Operations.Where(o => o.IsPending).Select(o => o.ThreadId).Distinct().ToArray();
        return new ScenarioRun(scenario, history, outcome.Completed, unfinished, outcome.Error);
    }

    /// <summary>Checks a run: null kind when it passes.</summary>
    public (FailureKind? Kind, LinearizabilityResult Result) Evaluate(ScenarioRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.HarnessError is { } error)
        {
            throw new InvalidOperationException("the scenario harness failed: " + error.Message, error);
        }

        var result = check(run.History);
        if (result.IsViolation)
        {
            return (FailureKind.NotLinearizable, result);
        }

        return (!run.Completed && Options.StuckIsFailure ? FailureKind.Hung : null, result);
    }

    private ScenarioFailure Report(FailureKind kind, Scenario scenario, ScenarioRun run, LinearizabilityResult result, int invocations)
    {
        // A hang leaves threads behind; shrinking it would leave many more. Report it as found.
        if (!Options.Shrink || kind == FailureKind.Hung)
        {
            return new ScenarioFailure(kind, scenario, scenario, run, result, invocations, 0);
        }

        var lastRun = run;
        var lastResult = result;
        var runs = invocations;
        var minimal = ScenarioShrinker.Shrink(
            scenario,
            candidate =>
            {
                for (var i = 0; i < Options.ShrinkInvocations; i++)
                {
                    Options.CancellationToken.ThrowIfCancellationRequested();
                    var r = Execute(candidate);
                    Options.Progress?.Report(new ScenarioProgress(++runs, Options.Scenarios * Options.InvocationsPerScenario, true));
                    var (k, res) = Evaluate(r);
                    if (k == FailureKind.NotLinearizable)
                    {
                        lastRun = r;
                        lastResult = res;
                        return true;
                    }

                    if (k == FailureKind.Hung)
                    {
                        return false;
                    }
                }

                return false;
            },
            Options.MaxShrinkAttempts,
            out var attempts);
        return new ScenarioFailure(kind, scenario, minimal, lastRun, lastResult, invocations, attempts);
    }
}

/// <summary>Renders a scenario run as a markdown table with the learner-facing verdict.</summary>
public static class ScenarioRenderer
{
    public static string Render(ScenarioRun run, LinearizabilityResult? check, FailureKind kind)
    {
        ArgumentNullException.ThrowIfNull(run);
        var s = run.Scenario;
        var threads = Math.Max(1, s.Threads);
        var unexplained = check?.Unexplained;
        var sb = new StringBuilder();

        string Cell(int thread, int index, ScenarioOp op)
        {
            var rec = run.Find(thread, index);
            var text = rec is null ? op + " (not run)" : rec.Describe();
            if (rec is not null && unexplained is not null && rec.ThreadId == unexplained.ThreadId && rec.Index == unexplained.Index)
            {
                text = "**" + text + "** ⟵ cannot be explained";
            }

            return text.Replace("|", "\\|", StringComparison.Ordinal);
        }

        sb.Append(kind == FailureKind.NotLinearizable
            ? "### Not linearizable\n\n"
            : "### A thread did not finish\n\n");
        sb.Append("Each column is one thread running its operations top to bottom; the columns ran at the same time. ");
        sb.Append("`init` ran before them and `post` after them.\n\n");
        sb.Append("| |");
        for (var t = 0; t < threads; t++)
        {
            sb.Append(" thread ").Append(t + 1).Append(" |");
        }

        sb.Append("\n|---|");
        for (var t = 0; t < threads; t++)
        {
            sb.Append("---|");
        }

        sb.Append('\n');

        void SequentialRows(string label, int thread, IReadOnlyList<ScenarioOp> ops)
        {
            for (var i = 0; i < ops.Count; i++)
            {
                sb.Append("| ").Append(label).Append(" | ").Append(Cell(thread, i, ops[i])).Append(" |");
                for (var t = 1; t < threads; t++)
                {
                    sb.Append(" |");
                }

                sb.Append('\n');
            }
        }

        SequentialRows("init", run.InitThread, s.InitPart);
        var rows = s.ParallelPart.Count == 0 ? 0 : s.ParallelPart.Max(p => p.Count);
        for (var i = 0; i < rows; i++)
        {
            sb.Append("| ").Append(i + 1).Append(" |");
            for (var t = 0; t < threads; t++)
            {
                sb.Append(' ');
                if (t < s.ParallelPart.Count && i < s.ParallelPart[t].Count)
                {
                    sb.Append(Cell(t, i, s.ParallelPart[t][i]));
                }

                sb.Append(" |");
            }

            sb.Append('\n');
        }

        SequentialRows("post", run.PostThread, s.PostPart);
        sb.Append('\n');

        if (kind == FailureKind.Hung)
        {
            foreach (var op in run.History.Operations.Where(o => o.IsPending))
            {
                sb.Append(run.History.ThreadName(op.ThreadId)).Append(": ").Append(Values.FormatCall(op.Name, op.Argument))
                  .Append(" never returned within the watchdog.\n");
            }

            sb.Append('\n');
        }

        if (check is not null && check.IsViolation)
        {
            sb.Append(check.Explanation).Append('\n');
        }

        return sb.ToString();
    }
}
