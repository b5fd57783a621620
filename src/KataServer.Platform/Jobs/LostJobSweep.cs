using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Jobs;

/// <summary>
/// Nothing accepted is lost: the submission row and its Hangfire job are two writes (no shared transaction), so a web
/// host that dies between them, or an enqueue that fails, leaves a row <c>queued</c> with no job to grade it. Every
/// process that can reach the job store (web hosts and workers) sweeps every <see cref="PlatformOptions.LostJobSweepInterval"/>:
/// a submission queued for longer than that whose job is missing or finished (or running with a heartbeat long stale
/// and no live job) is enqueued again. Sweeps take a distributed lock in the job store, so with several processes only
/// one sweeps at a time; a duplicate job would be harmless anyway (<see cref="GradeSubmissionJob"/> grades a submission
/// once and returns for a finished one).
/// </summary>
public sealed class LostJobSweep(IServiceProvider services, PlatformOptions options, ILogger<LostJobSweep> log) : BackgroundService
{
    private const string LockName = "kataserver:lost-job-sweep";

    /// <summary>At most this many rows are looked at per sweep (oldest first); the next sweep takes the rest.</summary>
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LostJobSweepInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try { await SweepAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("the lost-job sweep failed (tried again in {Interval}): {Reason}", options.LostJobSweepInterval, e.Message);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One sweep; returns how many submissions it enqueued again (0 when another process holds the sweep lock).</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<JobStorage>();
        using var connection = storage.GetConnection();
        IDisposable sweepLock;
        try { sweepLock = connection.AcquireDistributedLock(LockName, TimeSpan.FromSeconds(1)); }
        catch (Exception e) when (e is DistributedLockTimeoutException or Hangfire.PostgreSql.PostgreSqlDistributedLockException) { return 0; }

        using (sweepLock)
        {
            var dbs = services.GetRequiredService<IDbContextFactory<PlatformDb>>();
            var queue = services.GetRequiredService<SubmissionQueue>();
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var now = DateTime.UtcNow;
            var createdBefore = now - options.LostJobSweepInterval;
            var staleBefore = now - Max(options.LostJobSweepInterval, GradeSubmissionJob.StaleAfter);
            var open = await db.Submissions.AsNoTracking()
                .Where(s => (s.Status == SubmissionStatus.Queued && s.CreatedAt < createdBefore)
                    || (s.Status == SubmissionStatus.Running && (s.HeartbeatAt == null || s.HeartbeatAt < staleBefore)))
                .OrderBy(s => s.CreatedAt).Take(Batch)
                .Select(s => new { s.Id, s.Mode, s.Status, s.JobId })
                .ToListAsync(cancellationToken);

            var requeued = 0;
            foreach (var s in open)
            {
                if (HasLiveJob(connection, s.JobId)) continue;
                // Still as read (not claimed or requeued since)? A running one goes back to queued first.
                var unchanged = await db.Submissions
                    .Where(x => x.Id == s.Id && x.Status == s.Status && x.JobId == s.JobId
                        && (x.Status == SubmissionStatus.Queued || x.HeartbeatAt == null || x.HeartbeatAt < staleBefore))
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, SubmissionStatus.Queued), cancellationToken);
                if (unchanged == 0) continue;

                await queue.EnqueueAsync(s.Id, s.Mode, cancellationToken);
                log.LogWarning("submission {Submission} was {Status} without a live grading job ({Job}): enqueued again",
                    s.Id, s.Status, s.JobId is null ? "never enqueued" : $"job {s.JobId} gone");
                requeued++;
            }

            return requeued;
        }
    }

    /// <summary>The job will still run (or runs now): waiting in a queue, scheduled for a retry, or being processed.</summary>
    public static bool HasLiveJob(IStorageConnection connection, string? jobId)
    {
        var state = jobId is null ? null : connection.GetJobData(jobId)?.State;
        return state is not null && LiveStates.Contains(state);
    }

    private static readonly HashSet<string> LiveStates =
        [EnqueuedState.StateName, ScheduledState.StateName, ProcessingState.StateName, AwaitingState.StateName];

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
