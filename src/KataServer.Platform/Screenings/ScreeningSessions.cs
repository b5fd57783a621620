using Hangfire;
using KataServer.Platform.Data;
using KataServer.Platform.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Screenings;

/// <summary>
/// The server-kept clock of a candidate session and its end. A session ends once (a conditional update on
/// <see cref="ScreeningCandidate.FinishedAt"/>); then <see cref="FinishSessionJob"/> submits the last code of each kata
/// the candidate touched. The job is scheduled in the durable job store at start for the deadline, and enqueued at once
/// when the session ends earlier (finished, revoked) or a request finds the deadline passed: it survives restarts.
/// </summary>
public sealed class ScreeningSessions(IDbContextFactory<PlatformDb> dbs, IBackgroundJobClient jobs)
{
    public const string CandidateIdPrefix = "candidate-";

    public static class EndReasons
    {
        public const string TimeUp = "time-up";
        public const string Finished = "finished";
        public const string Revoked = "revoked";
    }

    /// <summary>True for the account rows that own candidates' submissions (they have no password and no role).</summary>
    public static bool IsCandidateUser(string userId) => userId.StartsWith(CandidateIdPrefix, StringComparison.Ordinal);

    /// <summary>Starts the clock and schedules the end (the caller has checked the invitation and set the session hash).</summary>
    public void ScheduleEnd(ScreeningCandidate candidate)
    {
        var at = candidate.EndsAt ?? throw new InvalidOperationException("the session has not started");
        candidate.FinishJobId = jobs.Schedule<FinishSessionJob>(JobQueues.Run, job => job.RunAsync(candidate.Id, EndReasons.TimeUp), new DateTimeOffset(at));
    }

    /// <summary>
    /// Moves a running session's deadline <paramref name="more"/> later and schedules its end job for the new deadline (the
    /// old job is deleted; were it to run anyway, it finds the deadline not due and does nothing). Null when the session is
    /// not running: not started, ended, revoked, or past its deadline (its end is under way).
    /// </summary>
    public async Task<DateTime?> ExtendAsync(Guid candidateId, TimeSpan more, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var candidate = await db.ScreeningCandidates.AsNoTracking().SingleOrDefaultAsync(c => c.Id == candidateId, cancellationToken);
        var now = DateTime.UtcNow;
        if (candidate is not { StartedAt: not null, FinishedAt: null, RevokedAt: null, EndsAt: { } ends } || ends <= now) return null;
        var later = ends + more;
        // Conditional on the deadline read above and not yet passed: a concurrent end or extension makes this one fail.
        var moved = await db.ScreeningCandidates
            .Where(c => c.Id == candidateId && c.EndsAt == ends && c.EndsAt > now && c.FinishedAt == null && c.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.EndsAt, later), cancellationToken);
        if (moved != 1) return null;

        var previousJob = candidate.FinishJobId;
        candidate.EndsAt = later;
        ScheduleEnd(candidate);
        await db.ScreeningCandidates.Where(c => c.Id == candidateId)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.FinishJobId, candidate.FinishJobId), cancellationToken);
        if (previousJob is not null) jobs.Delete(previousJob);
        return later;
    }

    /// <summary>Ends the session now if it is running (the first caller wins) and has its last code submitted. True when this call ended it.</summary>
    public async Task<bool> EndAsync(Guid candidateId, string because, CancellationToken cancellationToken)
    {
        var ended = await MarkEndedAsync(candidateId, because, cancellationToken);
        // On the quick queue: the grading servers listen to ours only (JobQueues), and ending takes milliseconds.
        if (ended) jobs.Enqueue<FinishSessionJob>(JobQueues.Run, job => job.RunAsync(candidateId, because));
        return ended;
    }

    /// <summary>A running session whose deadline passed is ended now (the scheduled job may not have run yet).</summary>
    public async Task EndIfDueAsync(ScreeningCandidate candidate, CancellationToken cancellationToken)
    {
        if (candidate.FinishedAt is null && candidate.EndsAt is { } end && DateTime.UtcNow >= end)
        {
            await EndAsync(candidate.Id, EndReasons.TimeUp, cancellationToken);
            candidate.FinishedAt ??= DateTime.UtcNow;
            candidate.FinishedBecause ??= EndReasons.TimeUp;
        }
    }

    internal async Task<bool> MarkEndedAsync(Guid candidateId, string because, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var now = DateTime.UtcNow;
        return await db.ScreeningCandidates
            .Where(c => c.Id == candidateId && c.StartedAt != null && c.FinishedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.FinishedAt, now).SetProperty(c => c.FinishedBecause, because), cancellationToken) == 1;
    }
}

/// <summary>
/// Ends a candidate session and submits, for each kata, the last code when it was not submitted already. Idempotent:
/// each automatic submission carries an idempotency key naming its snapshot, so a second run adds nothing.
/// </summary>
public sealed class FinishSessionJob(IDbContextFactory<PlatformDb> dbs, ScreeningSessions sessions, SubmissionQueue queue, ILogger<FinishSessionJob> log)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(Guid candidateId, string because)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var candidate = await db.ScreeningCandidates.AsNoTracking().SingleOrDefaultAsync(c => c.Id == candidateId);
        if (candidate?.StartedAt is null) return;
        // The scheduled end of a session that was started again later (never: a link starts once) or not yet due is skipped.
        if (candidate.FinishedAt is null && (candidate.EndsAt is not { } end || DateTime.UtcNow < end - TimeSpan.FromSeconds(1))) return;
        await sessions.MarkEndedAsync(candidateId, because, CancellationToken.None);

        var screening = await db.Screenings.AsNoTracking().SingleAsync(s => s.Id == candidate.ScreeningId);
        foreach (var (kata, version) in screening.PinnedKatas)
        {
            var last = await db.CodeSnapshots.AsNoTracking()
                .Where(s => s.CandidateId == candidateId && s.Kata == kata)
                .OrderByDescending(s => s.Id).FirstOrDefaultAsync();
            if (last is null || last.Kind is SnapshotKinds.Submit or SnapshotKinds.Final) continue;
            if (string.IsNullOrWhiteSpace(last.Code)) continue;

            var submission = new Submission
            {
                Id = Guid.CreateVersion7(),
                UserId = candidate.UserId,
                Kata = kata,
                KataVersion = version, // an authored kata is graded as the version the screening pinned
                Mode = SubmissionModes.Submit,
                Code = last.Code,
                IdempotencyKey = $"screening-final:{last.Id}",
                CreatedAt = DateTime.UtcNow,
                Attempt = await db.Submissions.CountAsync(s => s.UserId == candidate.UserId && s.Kata == kata && s.Mode == SubmissionModes.Submit) + 1,
            };
            try
            {
                await queue.AddAsync(submission, CancellationToken.None);
            }
            catch (DbUpdateException)
            {
                continue; // submitted by an earlier run of this job
            }

            db.CodeSnapshots.Add(new CodeSnapshot
            {
                CandidateId = candidateId, Kata = kata, Kind = SnapshotKinds.Final, Code = last.Code,
                SubmissionId = submission.Id, CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
            log.LogInformation("screening candidate {Candidate}: last code of {Kata} submitted at the end ({Because})", candidateId, kata, because);
        }
    }
}
