using Hangfire;
using Hangfire.States;
using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Jobs;

/// <summary>
/// On the SQLite default exactly one process grades, so at its start nothing can be in flight: a submission left
/// <c>running</c> was cut off by a crash, and one left <c>queued</c> without a live job never got one (or its job was
/// fetched by the dead process). Hangfire's SQLite storage would only hand such a job out again after its invisibility
/// timeout (longer than any grade, so minutes); this puts them back in the queue at once. A duplicate delivery later
/// is harmless (<see cref="GradeSubmissionJob"/> returns when the submission is done).
/// </summary>
public static class InFlightRecovery
{
    public static async Task<int> RequeueAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var dbs = services.GetRequiredService<IDbContextFactory<PlatformDb>>();
        var queue = services.GetRequiredService<SubmissionQueue>();
        var storage = services.GetRequiredService<JobStorage>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InFlightRecovery));

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var open = await db.Submissions.AsNoTracking()
            .Where(s => s.Status == SubmissionStatus.Running || s.Status == SubmissionStatus.Queued)
            .OrderBy(s => s.CreatedAt)
            .Select(s => new { s.Id, s.Mode, s.Status, s.JobId })
            .ToListAsync(cancellationToken);

        var requeued = 0;
        using var connection = storage.GetConnection();
        foreach (var s in open)
        {
            var state = s.JobId is null ? null : connection.GetJobData(s.JobId)?.State;
            var waiting = s.Status == SubmissionStatus.Queued && (state == EnqueuedState.StateName || state == ScheduledState.StateName);
            if (waiting) continue;

            await db.Submissions.Where(x => x.Id == s.Id && x.Status == SubmissionStatus.Running)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, SubmissionStatus.Queued), cancellationToken);
            await queue.EnqueueAsync(s.Id, s.Mode, cancellationToken);
            requeued++;
        }

        if (requeued > 0) log.LogWarning("requeued {Count} submissions left unfinished by the previous run", requeued);
        return requeued;
    }
}
