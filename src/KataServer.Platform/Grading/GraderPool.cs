using KataServer.Compilation;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Platform.Data;
using KataServer.Testing.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Grading;

/// <summary>
/// The grader of this process: one warm compiler shared by a full-budget grader (<c>submit</c>, <c>replay</c>) and a
/// small-budget one (<c>run</c>). Turns a stored submission into a <see cref="GradeRequest"/>; all grading logic stays
/// in <see cref="Grader"/>.
/// </summary>
public sealed class GraderPool
{
    public const string SolutionFileName = "Solution.cs";

    private readonly KataLibrary katas;
    private readonly Lazy<Grader> full;
    private readonly Lazy<Grader> run;

    public GraderPool(PlatformOptions options, KataLibrary katas)
    {
        this.katas = katas;
        Compiler = new KataCompiler(options.CompileTimeout is { } limit ? new KataCompilerOptions { CompileTimeout = limit } : null);
        full = new Lazy<Grader>(() => new Grader(OptionsFor(options, budgetScale: 1)));
        run = new Lazy<Grader>(() => new Grader(OptionsFor(options, options.RunBudgetScale)));
    }

    /// <summary>The warm compiler, also used for the editor's diagnostics.</summary>
    public KataCompiler Compiler { get; }

    private GraderOptions OptionsFor(PlatformOptions options, double budgetScale) =>
        new() { BudgetScale = budgetScale, Compiler = Compiler, UnsafeSandbox = options.UnsafeSandbox };

    public void WarmUp() => Compiler.WarmUp();

    /// <summary>Grades a stored submission. Throws <see cref="ArgumentException"/> when the request itself is wrong (never worth a retry).</summary>
    public async Task<GradeReport> GradeAsync(Submission submission, IProgress<GradeProgress> progress, CancellationToken cancellationToken)
    {
        var kata = await katas.ResolveAsync(submission.Kata, submission.KataVersion, cancellationToken)
            ?? throw new ArgumentException($"kata '{submission.Kata}'{(submission.KataVersion is { } v ? $" version {v}" : "")} is no longer offered by this server");
        var request = new GradeRequest(kata, System.Text.Encoding.UTF8.GetBytes(submission.Code), SolutionFileName);
        switch (submission.Mode)
        {
            case SubmissionModes.Run:
                return await run.Value.GradeAsync(request with { Mode = GradeMode.Explore, MeasurePerformance = false }, progress, cancellationToken);
            case SubmissionModes.Replay:
                var (test, schedule) = ParseReplayToken(submission.ReplayToken);
                return await full.Value.GradeAsync(request with { Mode = GradeMode.Explore, ReplayTest = test, ReplayToken = schedule, MeasurePerformance = false }, progress, cancellationToken);
            default:
                return await full.Value.GradeAsync(request, progress, cancellationToken);
        }
    }

    /// <summary>Validates a kata (starter fails, reference passes, mutants caught) with the full-budget grader: the same check as <c>kata validate</c>.</summary>
    public Task<KataServer.Grading.Validation.KataValidation> ValidateAsync(KataServer.Katas.Kata kata, int referenceRuns, IProgress<string> progress, CancellationToken cancellationToken) =>
        new KataServer.Grading.Validation.KataValidator(full.Value).ValidateAsync(kata, referenceRuns, progress, cancellationToken);

    public static (string Test, string Schedule) ParseReplayToken(string? token)
    {
        try { return ReplayTokens.Parse(token ?? ""); }
        catch (FormatException e) { throw new ArgumentException(e.Message, nameof(token), e); }
    }
}

/// <summary>Compiles once at start so the first submission and the first diagnostics request find the compiler warm.</summary>
internal sealed class GraderWarmUp(GraderPool graders, ILogger<GraderWarmUp> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            graders.WarmUp();
            log.LogInformation("grader warm");
        }
        catch (Exception e)
        {
            log.LogError(e, "grader warm-up failed: grading will fail until the grader can start");
        }
    }, stoppingToken);
}
