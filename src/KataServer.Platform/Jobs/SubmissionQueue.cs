using Hangfire;
using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Platform.Jobs;

/// <summary>
/// Stores a submission and enqueues its grading job (the job carries the id only). The row is written first: a job
/// without a row cannot happen, and a row whose job was never enqueued (the process died in between) is found by
/// <see cref="LostJobSweep"/> within a minute (and on the SQLite default also by <see cref="InFlightRecovery"/> at the next start).
/// </summary>
public sealed class SubmissionQueue(IDbContextFactory<PlatformDb> dbs, IBackgroundJobClient jobs)
{
    public async Task<Submission> AddAsync(Submission submission, CancellationToken cancellationToken)
    {
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            db.Submissions.Add(submission);
            await db.SaveChangesAsync(cancellationToken);
        }

        await EnqueueAsync(submission.Id, submission.Mode, CancellationToken.None);
        return submission;
    }

    public async Task EnqueueAsync(Guid submissionId, string mode, CancellationToken cancellationToken)
    {
        var jobId = jobs.Enqueue<GradeSubmissionJob>(JobQueues.For(mode), job => job.GradeAsync(submissionId, CancellationToken.None));
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await db.Submissions.Where(s => s.Id == submissionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.JobId, jobId), cancellationToken);
    }

    /// <summary>Submissions waiting for a worker (all users): what the backpressure limit counts.</summary>
    public async Task<int> DepthAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Submissions.CountAsync(s => s.Status == SubmissionStatus.Queued, cancellationToken);
    }
}
