using System.Text.Json;
using Hangfire;
using KataServer.Katas;
using KataServer.Katas.Archives;
using KataServer.Platform.Data;
using KataServer.Platform.Data.Authoring;
using KataServer.Platform.Grading;
using KataServer.Platform.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Authoring;

/// <summary>
/// Validates one draft revision of an authored kata on a worker (queue <c>p3-validate</c>), with the library's
/// <see cref="KataServer.Grading.Validation.KataValidator"/>: the starter compiles and fails, the reference passes
/// <see cref="PlatformOptions.ValidationReferenceRuns"/> times, every mutant fails with the finding it names. Progress
/// (which grading, how many of how many) is written to the validation's row. A passed validation of the current draft
/// revision is what publishing needs.
/// </summary>
public sealed class ValidateKataJob(IDbContextFactory<PlatformDb> dbs, GraderPool graders, PlatformOptions options, ILogger<ValidateKataJob> log)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stores the request and enqueues the job (it carries the id only).</summary>
    public static async Task<KataValidationRun> EnqueueAsync(PlatformDb db, IBackgroundJobClient jobs, AuthoredKata kata, string userId, CancellationToken cancellationToken)
    {
        var run = new KataValidationRun
        {
            Id = Guid.CreateVersion7(), KataId = kata.Id, DraftRevision = kata.DraftRevision, Files = kata.Draft,
            RequestedBy = userId, CreatedAt = DateTime.UtcNow, Stage = "waiting for a worker",
        };
        db.KataValidations.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        jobs.Enqueue<ValidateKataJob>(JobQueues.Validate, job => job.ValidateAsync(run.Id, CancellationToken.None));
        return run;
    }

    [AutomaticRetry(Attempts = 0)]
    public async Task ValidateAsync(Guid validationId, CancellationToken cancellationToken)
    {
        KataValidationRun? run;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            run = await db.KataValidations.AsNoTracking().SingleOrDefaultAsync(v => v.Id == validationId, cancellationToken);
            if (run is null || run.Status is ValidationStatus.Done or ValidationStatus.Error) return;
        }

        Kata kata;
        try { kata = KataLoader.Load(KataArchive.Read(run.Files), run.KataId, $"draft:{run.KataId}@{run.DraftRevision}"); }
        catch (Exception e) when (e is KataFormatException or KataArchiveException)
        {
            await FinishAsync(validationId, passed: false, report: null, error: e.Message);
            return;
        }

        var total = 1 + options.ValidationReferenceRuns + kata.Mutants.Count;
        await UpdateAsync(validationId, ValidationStatus.Running, "starting", 0, total);
        var done = 0;
        // Progress arrives on the grader's thread; writes are chained so they land in order and all before the result.
        var writes = Task.CompletedTask;
        var progress = new SynchronousProgress(stage =>
        {
            var step = done++;
            writes = writes.ContinueWith(_ => UpdateAsync(validationId, ValidationStatus.Running, stage, step, total), TaskScheduler.Default).Unwrap();
        });
        try
        {
            var validation = await graders.ValidateAsync(kata, options.ValidationReferenceRuns, progress, cancellationToken);
            await writes;
            var report = ValidationReport.From(kata, validation);
            await FinishAsync(validationId, report.Passed, report, error: null);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "validation {Validation} of {Kata} failed", validationId, run.KataId);
            await FinishAsync(validationId, passed: false, report: null, error: $"validation could not run: {e.Message}");
        }
    }

    private async Task UpdateAsync(Guid id, string status, string stage, int done, int total)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            await db.KataValidations.Where(v => v.Id == id && v.Status != ValidationStatus.Done && v.Status != ValidationStatus.Error)
                .ExecuteUpdateAsync(u => u.SetProperty(v => v.Status, status).SetProperty(v => v.Stage, stage)
                    .SetProperty(v => v.Done, done).SetProperty(v => v.Total, total));
        }
        catch (Exception e)
        {
            log.LogWarning(e, "could not store the progress of validation {Validation}", id); // a view, never the result
        }
    }

    private async Task FinishAsync(Guid id, bool passed, ValidationReport? report, string? error)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var run = await db.KataValidations.SingleOrDefaultAsync(v => v.Id == id);
        if (run is null) return; // its kata was deleted while it ran
        run.Status = error is null ? ValidationStatus.Done : ValidationStatus.Error;
        run.Passed = passed;
        run.ReportJson = report is null ? null : JsonSerializer.Serialize(report, Json);
        run.Error = error;
        run.Stage = error is null ? (passed ? "passed" : "failed") : "error";
        run.Done = run.Total;
        run.FinishedAt = DateTime.UtcNow;
        if (passed)
        {
            var kata = await db.AuthoredKatas.SingleAsync(k => k.Id == run.KataId);
            if (kata.ValidatedRevision is null || kata.ValidatedRevision < run.DraftRevision) kata.ValidatedRevision = run.DraftRevision;
        }

        await db.SaveChangesAsync();
    }

    /// <summary><see cref="Progress{T}"/> posts to the thread pool out of order; stages must arrive in order.</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
