using System.Diagnostics;
using KataServer.Compilation;
using KataServer.Compilation.Policy;
using KataServer.Grading.Reports;
using KataServer.Grading.Runs;
using KataServer.Katas;
using KataServer.Scheduling;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// Grades one submission: compile -> police -> explore -> stress -> measure -> score. Used by the CLI now and
/// by the server's workers later; progress goes to <see cref="IProgress{T}"/>, the result is plain data.
/// Safe to share: one warm compiler, any number of concurrent gradings.
/// </summary>
public sealed class Grader
{
    private readonly GraderOptions options;
    private readonly KataCompiler compiler;
    private readonly RunnerLauncher launcher;
    private readonly ReferenceBuilds references;
    private readonly Sandbox.SandboxCapabilities sandbox;

    public Grader(GraderOptions options)
    {
        this.options = options;
        compiler = options.Compiler ?? new KataCompiler();
        sandbox = options.Sandbox ?? Sandbox.SandboxCapabilities.Detect();
        launcher = new RunnerLauncher(options.Runner ?? RunnerLocation.Find(), sandbox);
        references = new ReferenceBuilds(compiler);
    }

    public GraderOptions Options => options;

    public void WarmUp() => compiler.WarmUp();

    /// <summary>Throws <see cref="Sandbox.SandboxUnavailableException"/> (one line naming what is missing and how to get it)
    /// when submissions would run without the full sandbox and <see cref="GraderOptions.UnsafeSandbox"/> is off.
    /// Hosts call it at startup; <see cref="GradeAsync"/> calls it before any work.</summary>
    public void EnsureSandbox()
    {
        if (!sandbox.IsFullSandbox && !options.UnsafeSandbox) throw new Sandbox.SandboxUnavailableException(sandbox.RefusalMessage);
    }

    public async Task<GradeReport> GradeAsync(GradeRequest request, IProgress<GradeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (request.Strategy is { } strategy && !ScheduleExplorer.IsStrategyName(strategy))
        {
            // The caller's mistake, not the submission's: say so before any work (the runner would crash on it).
            throw new ArgumentException($"unknown strategy '{strategy}' (choose from {string.Join(", ", ScheduleExplorer.StrategyNames)})", nameof(request));
        }

        if (request.ReplayToken is { } replaySchedule)
        {
            // A corrupt token is refused here, before any work, not discovered by the runner as a "crash".
            if (string.IsNullOrEmpty(request.ReplayTest)) throw new InvalidReplayException($"{ReplayTarget.CorruptMessage} (it names no test)");
            ReplayTarget.CheckSchedule(replaySchedule);
        }

        EnsureSandbox();

        var total = Stopwatch.StartNew();
        // Whether a core sits idle while the submission compiles decides whether a second explore runner pays.
        var idle = IdleCores.Watch();
        var kata = request.Kata;
        // One seed per grade: the explorer's, and the tests' sizes, keys and balances (TestData) in every stage.
        var seed = request.Seed ?? (ulong)Random.Shared.NextInt64();
        // Every field a reader follows is present even when grading stops early (rejected input, compile error, policy).
        var report = new GradeReport
        {
            Kata = kata.Id,
            ScoreBreakdown = Scoring.Score(kata.Manifest.Scoring, passed: false, throughputRatio: null).Breakdown,
            Performance = PerformanceReport.NotMeasured,
            Run = new RunInfo(),
        };
        void Report(GradeProgress p) => progress?.Report(p);

        // 1. compile
        Report(new GradeProgress(GradeProgress.Compile, "reading and compiling your code"));
        if (!SubmissionSource.TryRead(request.Source, request.FileName, out var text, out var inputError))
        {
            return report with
            {
                Verdict = Verdicts.CompileError,
                InputRejected = true,
                Findings = [Finding(FindingKind.Compile, null, inputError!)],
                TimingsMs = new Timings { Total = total.ElapsedMilliseconds },
            };
        }

        var learnerFileName = Path.GetFileName(request.FileName);
        var compile = Stopwatch.StartNew();
        // Against the reference set the kata's policy can reach: a name outside it does not even bind.
        var policy = options.PolicyOverride ?? PolicyFor(kata);
        var submission = compiler.CompileSubmission(text, learnerFileName, policy: policy);
        if (!submission.Success && submission.PolicyViolations.Count > 0)
        {
            return report with
            {
                Verdict = Verdicts.PolicyViolation,
                Findings = PolicyFindings(submission.PolicyViolations),
                TimingsMs = new Timings { Compile = compile.ElapsedMilliseconds, Total = total.ElapsedMilliseconds },
            };
        }
        if (!submission.Success) return CompileFailed(report, submission, compile, total);

        // 2. police (before anything of the learner's runs)
        compile.Stop();
        Report(new GradeProgress(GradeProgress.Police, "checking the APIs your code uses"));
        var police = Stopwatch.StartNew();
        var violations = PolicyChecker.Check(submission.Compilation, policy);
        if (violations.Count > 0)
        {
            return report with
            {
                Verdict = Verdicts.PolicyViolation,
                Findings = PolicyFindings(violations),
                TimingsMs = new Timings { Compile = compile.ElapsedMilliseconds, Police = police.ElapsedMilliseconds, Total = total.ElapsedMilliseconds },
            };
        }

        var policeMs = police.ElapsedMilliseconds;
        compile.Start();
        var tests = references.CompileTests(kata, submission.Assembly!, references.For(kata).Contract);
        if (!tests.Success) return CompileFailed(report, tests, compile, total);
        var compileMs = compile.ElapsedMilliseconds;
        if (request.OnlyTests.Count > 0)
        {
            var unknownTests = request.OnlyTests.Except(TestMethods.MarkedWith(tests.Compilation!, nameof(KataTestAttribute)).Select(m => m.Name)).ToList();
            if (unknownTests.Count > 0) throw new ArgumentException($"kata '{kata.Id}' has no hidden test named {string.Join(", ", unknownTests)}", nameof(request));
        }

        if (request.ReplayToken is not null)
            ReplayTarget.CheckTest(kata.Id, request.ReplayTest!, TestMethods.MarkedWith(tests.Compilation!, nameof(KataTestAttribute)).Select(m => m.Name).ToList());

        // 3. explore and 4. stress, each in its own sandboxed runner
        using var job = JobFolder.Create(submission.Assembly!, tests.Assembly!);
        var measureThreads = new[] { 1, Math.Max(2, Environment.ProcessorCount) };
        var plan = RunPlan.From(tests.Compilation!, request.OnlyTests, measureThreads);
        var stages = new List<StageResult>();
        long rewriteMs = 0, exploreMs = 0, stressMs = 0;
        if (request.Mode is GradeMode.All or GradeMode.Explore)
        {
            var rewrite = Stopwatch.StartNew();
            Report(new GradeProgress(GradeProgress.Explore, "instrumenting for schedule exploration"));
            var instrumented = Instrumentation.Rewrite(submission.Assembly!, tests.Assembly!, Path.GetDirectoryName(typeof(Check).Assembly.Location)!);
            job.AddInstrumented(instrumented.Submission, instrumented.Tests);
            rewriteMs = rewrite.ElapsedMilliseconds;
            var watch = Stopwatch.StartNew();
            var explorePlan = request.ReplayTest is null ? plan : RunPlan.From(tests.Compilation!, [request.ReplayTest], measureThreads);
            var exploration = await ExploreStage.RunAsync(launcher, job.Instrumented!, ExploreRequest(request, job.Instrumented!, learnerFileName, seed), explorePlan,
                only => RunPlan.From(tests.Compilation!, only, measureThreads), ExploreRunnersFor(request, idle), LimitsFor(kata), Report, cancellationToken);
            stages.Add(ExploreStage.ExplainSkips(exploration, explorePlan));
            exploreMs = watch.ElapsedMilliseconds;
        }

        var notices = new List<FindingData>();
        IReadOnlyList<string> unexplored = [];
        if (request.Mode is GradeMode.All && stages is [var explored] && explored.Findings.Count > 0
            && explored.Findings.All(f => f.Kind == FindingKind.Uncontrolled.ToWireName()))
        {
            // The explorer's blind spot is not the learner's bug: those tests are judged by real-thread stress alone.
            notices.AddRange(explored.Findings);
            unexplored = explored.Findings.Select(f => f.Test).OfType<string>().Distinct().ToList();
            stages[0] = explored with
            {
                Findings = [],
                Tests = explored.Tests.Select(t => unexplored.Contains(t.Name) ? t with { Outcome = TestOutcomes.Unexplored } : t).ToList(),
            };
        }

        bool replayDiverged = false;
        if (request.ReplayToken is not null && stages is [var replayed] && replayed.Findings.Count > 0 && replayed.Findings.All(ReplayTarget.IsDivergence))
        {
            // The token's steps do not fit this file (usually: it was changed): not the learner's bug, and no verdict.
            replayDiverged = true;
            notices.AddRange(replayed.Findings);
            stages[0] = replayed with
            {
                Findings = [],
                Tests = replayed.Tests.Select(t => t with { Outcome = TestOutcomes.Unexplored }).ToList(),
            };
        }

        var exploreFailed = stages.Any(s => s.Findings.Count > 0);
        if (request.Mode is GradeMode.All or GradeMode.Stress && !exploreFailed && request.ReplayToken is null)
        {
            var watch = Stopwatch.StartNew();
            // What exploration covered needs less stress: the grade's one stress budget goes where it could not look.
            var shares = options.ShareStressBudget && stages is [var passedExploration]
                ? StressBudget.Shares(passedExploration, ExploreSchedules(kata), kata.Manifest.Budgets.ExploreSeconds * options.BudgetScale)
                : new Dictionary<string, double>();
            stages.Add(await launcher.RunAsync(job, StressRequest(request, job, learnerFileName, seed, unexplored, shares), plan, LimitsFor(kata), Report, cancellationToken));
            stressMs = watch.ElapsedMilliseconds;
        }

        // 4b. a bug stress found and exploration missed: explore those tests again, for a trace and a replay token
        if (request.Mode is GradeMode.All && job.Instrumented is not null && stages is [var firstExplored, var stressed]
            && ExploreAfterStress.TestsToExploreAgain(firstExplored, stressed) is { Count: > 0 } exploreAgain)
        {
            var watch = Stopwatch.StartNew();
            Report(new GradeProgress(GradeProgress.Explore, $"stress failed {string.Join(", ", exploreAgain)}: exploring again with a larger budget"));
            var again = await launcher.RunAsync(job.Instrumented, ExploreAfterStress.Request(ExploreRequest(request, job.Instrumented, learnerFileName, seed), exploreAgain),
                RunPlan.From(tests.Compilation!, exploreAgain, measureThreads), LimitsFor(kata), Report, cancellationToken);
            var (merged, exploredAgain) = ExploreAfterStress.Merge(stressed, again);
            stages[1] = merged with { Tests = [.. merged.Tests, .. exploredAgain] };
            exploreMs += watch.ElapsedMilliseconds;
        }

        var findings = stages.SelectMany(s => s.Findings).ToList();
        var verdict = VerdictOf(stages, findings);

        // 5. measure throughput against the reference, once correctness is established
        PerformanceReport? performance = null;
        long measureMs = 0;
        var hasBenchmarks = Benchmarks.Declared(tests.Compilation);
        if (verdict == Verdicts.Passed && request.MeasurePerformance && request.Mode is GradeMode.All or GradeMode.Stress && hasBenchmarks)
        {
            var watch = Stopwatch.StartNew();
            Report(new GradeProgress(GradeProgress.Measure, "measuring throughput against the reference"));
            var reference = references.For(kata);
            job.AddReference(reference.Submission, reference.Tests);
            var measured = await launcher.RunAsync(job, MeasureRequest(job, learnerFileName, measureThreads, seed), plan, LimitsFor(kata), Report, cancellationToken);
            findings.AddRange(measured.Findings);
            verdict = measured.Findings.Count > 0 ? VerdictOf([.. stages, measured], findings) : verdict;
            performance = Benchmarks.Summarize(measured.Throughput);
            measureMs = watch.ElapsedMilliseconds;
        }

        // 6. score
        Report(new GradeProgress(GradeProgress.Score, "scoring"));
        var notMeasuredBecause = !hasBenchmarks ? "(this kata has no benchmark)" : request.MeasurePerformance ? "in this mode" : "(measuring was turned off)";
        var (score, breakdown) = Scoring.Score(kata.Manifest.Scoring, verdict == Verdicts.Passed, performance?.Ratio, notMeasuredBecause, performance?.NotScoredBecause);
        ReplayOutcome? replay = null;
        if (request.ReplayTest is { } replayedTest && request.ReplayToken is not null)
        {
            // One interleaving of one test is no grade: a replay that no longer fails must not read as "passed 100/100".
            bool reproduced = !replayDiverged && (findings.Count > 0 || verdict != Verdicts.Passed);
            replay = new ReplayOutcome
            {
                Test = replayedTest,
                Reproduced = reproduced,
                Message = reproduced ? null : replayDiverged ? ReplayTarget.NoLongerFitsMessage : ReplayTarget.NoLongerFailsMessage,
            };
            score = 0;
            breakdown = new ScoreBreakdown { PerformanceMax = breakdown.PerformanceMax, Explanation = "a replay runs one interleaving of one test: grade the file for a score" };
        }

        return report with
        {
            Replay = replay,
            Verdict = verdict,
            Score = score,
            ScoreBreakdown = breakdown,
            Performance = performance ?? PerformanceReport.NotMeasured,
            Tests = stages.SelectMany(s => s.Tests).ToList(),
            Findings = findings,
            Notices = notices,
            Diagnostics = Messages(submission.Diagnostics),
            TimingsMs = new Timings { Compile = compileMs, Police = policeMs, Rewrite = rewriteMs, Explore = exploreMs, Stress = stressMs, Measure = measureMs, Total = total.ElapsedMilliseconds },
            Run = new RunInfo
            {
                IsolationLayers = UnsafeLayer().Concat(stages.SelectMany(s => s.IsolationLayers)).Distinct().ToList(),
                Output = string.Concat(stages.Select(s => s.Output)) is { Length: > 0 } output ? output : null,
                OutputTruncated = stages.Any(s => s.OutputTruncated),
            },
        };
    }

    /// <summary>Said first in every report graded with <see cref="GraderOptions.UnsafeSandbox"/>.</summary>
    private IEnumerable<string> UnsafeLayer()
    {
        if (!options.UnsafeSandbox) yield break;
        yield return sandbox.IsFullSandbox
            ? "unsafe sandbox allowed (--unsafe-sandbox), though the full sandbox was available"
            : $"unsafe sandbox: {string.Join("; ", sandbox.Missing)}; the submission ran without filesystem isolation";
    }

    private static string VerdictOf(IReadOnlyList<StageResult> stages, IReadOnlyList<FindingData> findings)
    {
        if (stages.Any(s => s.Crashed)) return Verdicts.Crashed;
        if (findings.Any(f => f.Kind == FindingKind.Timeout.ToWireName())) return Verdicts.Timeout;
        if (findings.Count > 0) return Verdicts.Failed;
        return stages.Count > 0 && stages.All(s => s.Tests.Any(t => t.Outcome is TestOutcomes.Passed or TestOutcomes.Unexplored)) ? Verdicts.Passed : Verdicts.Failed;
    }

    private static GradeReport CompileFailed(GradeReport report, CompilationOutcome outcome, Stopwatch compile, Stopwatch total) => report with
    {
        Verdict = Verdicts.CompileError,
        Findings = outcome.Errors.Select(d => Finding(FindingKind.Compile, null,
            d.Line > 0 ? $"line {d.Line}, column {d.Column}: {d.Message} ({d.Id})" : d.Message)).ToList(),
        Diagnostics = Messages(outcome.Diagnostics),
        TimingsMs = new Timings { Compile = compile.ElapsedMilliseconds, Total = total.ElapsedMilliseconds },
    };

    private static IReadOnlyList<CompilerMessage> Messages(IEnumerable<CompilerDiagnostic> diagnostics) =>
        diagnostics.Where(d => d.Severity != DiagnosticSeverityLevel.Info)
            .Select(d => new CompilerMessage(d.Severity.ToString().ToLowerInvariant(), d.Id, d.Message, d.Line, d.Column))
            .ToList();

    /// <summary>One finding per forbidden use; the first use of each rule also says why and what to use instead.</summary>
    private static List<FindingData> PolicyFindings(IReadOnlyList<PolicyViolation> violations)
    {
        var explained = new HashSet<string>();
        return violations
            .Select(v => Finding(FindingKind.Policy, null, explained.Add(v.Rule.Id) ? v.Explained : v.Message))
            .ToList();
    }

    private static FindingData Finding(FindingKind kind, string? test, string message) =>
        new() { Kind = kind.ToWireName(), Test = test, Message = message };

    private static ApiPolicy PolicyFor(Kata kata) => ApiPolicy.FromManifest(kata.Manifest.Policy.Deny, kata.Manifest.Policy.Allow);

    private Sandbox.SandboxLimits LimitsFor(Kata kata)
    {
        var b = kata.Manifest.Budgets;
        return Sandbox.SandboxLimits.Default with
        {
            WallTime = TimeSpan.FromSeconds(b.WallSeconds * options.BudgetScale),
            CpuTime = TimeSpan.FromSeconds(b.CpuSeconds * options.BudgetScale),
            MemoryBytes = b.MemoryMb * 1024L * 1024,
            MaxThreads = b.MaxThreads,
            RequireFullIsolation = !options.UnsafeSandbox,
        };
    }

    private RunRequest StressRequest(GradeRequest request, JobFolder job, string learnerFileName, ulong seed, IReadOnlyList<string> unexplored, IReadOnlyDictionary<string, double> shares)
    {
        var b = request.Kata.Manifest.Budgets;
        return job.Request(learnerFileName) with
        {
            Mode = RunMode.Stress,
            DataSeed = seed,
            Tests = request.OnlyTests,
            Stress = new StressSettings
            {
                Iterations = (int)Math.Max(1, b.StressIterations * options.BudgetScale),
                SecondsPerTest = b.StressSeconds * options.BudgetScale,
                IterationTimeoutSeconds = b.IterationTimeoutSeconds,
                Unexplored = unexplored,
                Shares = shares,
            },
        };
    }

    private static RunRequest MeasureRequest(JobFolder job, string learnerFileName, IReadOnlyList<int> threads, ulong seed) => job.Request(learnerFileName) with
    {
        Mode = RunMode.Measure,
        DataSeed = seed,
        Measure = new MeasureSettings { Threads = threads },
    };

    /// <summary>A replay runs one test: one runner. Otherwise up to <see cref="GraderOptions.ExploreRunners"/>, the second
    /// only on an idle core (unless told otherwise).</summary>
    private int ExploreRunnersFor(GradeRequest request, IdleCores idle) =>
        request.ReplayTest is not null ? 1
        : options.ExploreRunnersOnIdleCoresOnly ? idle.Runners(options.ExploreRunners)
        : options.ExploreRunners;

    private bool StopsAtFirstFinding(GradeRequest request) => options.StopAtFirstFinding && request.StopAtFirstFinding && request.Mode == GradeMode.All;

    private int ExploreSchedules(Kata kata) => (int)Math.Max(1, kata.Manifest.Budgets.ExploreSchedules * options.BudgetScale);

    private RunRequest ExploreRequest(GradeRequest request, JobFolder job, string learnerFileName, ulong seed)
    {
        var b = request.Kata.Manifest.Budgets;
        return job.Request(learnerFileName) with
        {
            Mode = RunMode.Explore,
            DataSeed = seed,
            Tests = request.ReplayTest is null ? request.OnlyTests : [request.ReplayTest],
            Explore = new ExploreSettings
            {
                Strategy = request.Strategy ?? "portfolio",
                Seed = seed,
                EarlyTimeoutHorizonMs = (long)Math.Max(1000, b.IterationTimeoutSeconds * 1000 * 2),
                MaxSchedules = ExploreSchedules(request.Kata),
                SecondsPerTest = b.ExploreSeconds * options.BudgetScale,
                MaxSteps = b.ExploreMaxSteps,
                ReplayToken = request.ReplayToken,
                ReplayRepeats = Math.Clamp(request.ReplayRepeats, 1, 10_000),
                // A full grade fails on one finding; explore mode (a diagnosis, `bench seeds`) explores every test.
                StopAtFirstFinding = StopsAtFirstFinding(request),
                QuickPassSchedules = StopsAtFirstFinding(request) ? ExploreStage.QuickPassSchedules(ExploreSchedules(request.Kata)) : 0,
            },
        };
    }
}

public sealed record GraderOptions
{
    /// <summary>Shares one stress budget per grade among the tests by what exploration could not cover
    /// (<see cref="StressBudget"/>); off: every test gets the kata's whole stress budget (`kata bench grade` compares).</summary>
    public bool ShareStressBudget { get; init; } = true;

    /// <summary>A full grade stops at its first failing test (the rest are reported skipped), after a quick pass over
    /// every test's first schedules (<see cref="ExploreStage"/>); off: every test explores its whole budget in turn.</summary>
    public bool StopAtFirstFinding { get; init; } = true;

    /// <summary>Sandboxed runners that explore a grade's tests side by side, each keeping its threads on one CPU. 1 (the
    /// default): one runner explores them all, so one seed always gives the same report; with two, which tests a failing
    /// grade reports depends on which runner gets there first, and the gain on an idle worker is not measured yet.</summary>
    public int ExploreRunners { get; init; } = 1;

    /// <summary>Use the second (and further) explore runner only when that many cores sat idle while the submission
    /// compiled (<see cref="IdleCores"/>); off: always <see cref="ExploreRunners"/>.</summary>
    public bool ExploreRunnersOnIdleCoresOnly { get; init; } = true;

    /// <summary>Multiplies the kata's iteration, schedule and time budgets (validate --exhaustive uses more).</summary>
    public double BudgetScale { get; init; } = 1;
    public KataCompiler? Compiler { get; init; }
    public RunnerLocation? Runner { get; init; }

    /// <summary>A trusted development machine only: run submissions even without the full sandbox (no bubblewrap).
    /// Every report then says "unsafe sandbox" first in its isolation layers.</summary>
    public bool UnsafeSandbox { get; init; }

    /// <summary>Replaces every kata's API policy. Only for tests of the defences behind the policy (the sandbox, the
    /// result channel), which must hold even for code the policy would have refused.</summary>
    public ApiPolicy? PolicyOverride { get; init; }

    /// <summary>The isolation layers to use; <see cref="Sandbox.SandboxCapabilities.Detect"/> when null (tests inject less).</summary>
    public Sandbox.SandboxCapabilities? Sandbox { get; init; }
}
