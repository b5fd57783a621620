using Hangfire;
using KataServer.Grading.Reports;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Platform.Progress;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Jobs;

/// <summary>
/// Grades one stored submission. Hangfire runs a job at least once, so this is idempotent: a submission that is done
/// (or ended in error) returns at once, a worker claims the row before grading (only a queued row, or a running one
/// whose worker stopped beating), and the result is written by an update that only succeeds on a row not yet finished,
/// so exactly one result is ever stored. A report from the grader (pass, finding, compile error, policy) is final;
/// an exception (sandbox failed, worker stopping) is an infrastructure failure: Hangfire retries it with back-off until
/// <see cref="PlatformOptions.MaxGradingAttempts"/> gradings were started, then the submission ends as <c>error</c>.
/// </summary>
public sealed class GradeSubmissionJob(
    IDbContextFactory<PlatformDb> dbs, GraderPool graders, PlatformOptions options, ILogger<GradeSubmissionJob> log)
{
    /// <summary>A grading whose heartbeat is older than this has lost its worker.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(20);

    // Our own counter (GradingRuns) decides when to give up; Hangfire's retries are only the back-off mechanism.
    [AutomaticRetry(Attempts = 20, DelaysInSeconds = [2, 5, 10, 20, 30], OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task GradeAsync(Guid submissionId, CancellationToken cancellationToken)
    {
        var submission = await ClaimAsync(submissionId, cancellationToken);
        if (submission is null) return;

        PlatformMetrics.GradingStarted(submission.Mode);
        log.LogInformation("grading submission {Submission} (run {Run})", submissionId, submission.GradingRuns);
        if (submission.GradingRuns > options.MaxGradingAttempts)
        {
            await FinishWithErrorAsync(submission, $"Grading failed {submission.GradingRuns - 1} times, so it was stopped. Last failure: {submission.Error ?? "the worker stopped while grading"}", cancellationToken);
            return;
        }

        GradeReport report;
        await using (var progress = new DatabaseProgress(dbs, submissionId, log))
        {
            try
            {
                report = await graders.GradeAsync(submission, progress, cancellationToken);
            }
            catch (ArgumentException e)
            {
                // The request itself cannot be graded (e.g. a replay token naming no test): the same every time.
                await FinishWithErrorAsync(submission, e.Message, CancellationToken.None);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync(submissionId, "the worker stopped while grading");
                throw;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "grading {Submission} failed (run {Run} of {Max})", submissionId, submission.GradingRuns, options.MaxGradingAttempts);
                PlatformMetrics.GradingFailed(submission.Mode);
                if (submission.GradingRuns >= options.MaxGradingAttempts)
                {
                    await FinishWithErrorAsync(submission, $"Grading failed {submission.GradingRuns} times, so it was stopped. Last failure: {e.Message}", CancellationToken.None);
                    return;
                }

                await ReleaseAsync(submissionId, e.Message);
                throw;
            }
        }

        await CompleteAsync(submission, report);
    }

    private async Task<Submission?> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var staleBefore = now - StaleAfter;
        var claimed = await db.Submissions
            .Where(s => s.Id == id && (s.Status == SubmissionStatus.Queued
                || (s.Status == SubmissionStatus.Running && (s.HeartbeatAt == null || s.HeartbeatAt < staleBefore))))
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Status, SubmissionStatus.Running)
                .SetProperty(s => s.StartedAt, now)
                .SetProperty(s => s.HeartbeatAt, now)
                .SetProperty(s => s.GradingRuns, s => s.GradingRuns + 1), cancellationToken);
        var submission = await db.Submissions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (claimed == 1) return submission;

        switch (submission?.Status)
        {
            case null:
                log.LogWarning("job for submission {Submission}, which does not exist: nothing to grade", id);
                return null;
            case SubmissionStatus.Done or SubmissionStatus.Error:
                return null; // graded already: a duplicate delivery
            default:
                // Another worker is grading it right now. If that worker dies, its heartbeat goes stale and this retry claims it.
                throw new SubmissionBusyException(id);
        }
    }

    private async Task CompleteAsync(Submission submission, GradeReport report)
    {
        var id = submission.Id;
        await using var db = await dbs.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = DateTime.UtcNow;
        var json = ReportJson.Serialize(report);
        var stored = await db.Submissions
            .Where(s => s.Id == id && s.Status != SubmissionStatus.Done && s.Status != SubmissionStatus.Error)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Status, SubmissionStatus.Done)
                .SetProperty(s => s.ReportJson, json)
                .SetProperty(s => s.Verdict, report.Verdict)
                .SetProperty(s => s.Score, report.Score)
                .SetProperty(s => s.FinishedAt, now)
                .SetProperty(s => s.Error, (string?)null));
        if (stored == 1) db.SubmissionEvents.Add(DatabaseProgress.DoneEvent(id, now));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        if (stored == 1) PlatformMetrics.Finished(submission.Mode, report.Verdict, submission.CreatedAt, now);
        else log.LogInformation("submission {Submission} was already finished: this grading's result is dropped", id);
    }

    private async Task FinishWithErrorAsync(Submission submission, string message, CancellationToken cancellationToken)
    {
        var id = submission.Id;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var stored = await db.Submissions
            .Where(s => s.Id == id && s.Status != SubmissionStatus.Done && s.Status != SubmissionStatus.Error)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Status, SubmissionStatus.Error)
                .SetProperty(s => s.Error, message)
                .SetProperty(s => s.FinishedAt, now), cancellationToken);
        if (stored == 1) db.SubmissionEvents.Add(DatabaseProgress.DoneEvent(id, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (stored == 1) PlatformMetrics.Finished(submission.Mode, SubmissionStatus.Error, submission.CreatedAt, now);
    }

    /// <summary>Puts a running submission back in the queue (its job is retried or re-delivered).</summary>
    private async Task ReleaseAsync(Guid id, string reason)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await db.Submissions.Where(s => s.Id == id && s.Status == SubmissionStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SubmissionStatus.Queued).SetProperty(s => s.Error, reason));
    }
}

/// <summary>Another worker grades this submission now: retried later (by then it is done, or its worker's heartbeat is stale).</summary>
public sealed class SubmissionBusyException(Guid id) : Exception($"submission {id} is being graded by another worker");
