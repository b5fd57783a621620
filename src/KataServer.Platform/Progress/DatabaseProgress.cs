using System.Threading.Channels;
using KataServer.Grading.Reports;
using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Progress;

/// <summary>
/// Publishes the grader's progress through the database, so the process serving the event stream (maybe another
/// machine) sees it. The grader reports from its own threads; reports are queued and written in small batches, with
/// runs of counter updates of one stage collapsed to their latest value. Also keeps the submission's heartbeat fresh.
/// </summary>
public sealed class DatabaseProgress : IProgress<GradeProgress>, IAsyncDisposable
{
    public const string DoneStage = "done";
    private static readonly TimeSpan BatchDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private readonly IDbContextFactory<PlatformDb> dbs;
    private readonly Guid submissionId;
    private readonly ILogger log;
    private readonly Channel<GradeProgress> pending = Channel.CreateUnbounded<GradeProgress>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stop = new();
    private readonly Task writer;
    private readonly Task heartbeat;

    public DatabaseProgress(IDbContextFactory<PlatformDb> dbs, Guid submissionId, ILogger log)
    {
        this.dbs = dbs;
        this.submissionId = submissionId;
        this.log = log;
        writer = Task.Run(WriteAsync);
        heartbeat = Task.Run(BeatAsync);
    }

    public void Report(GradeProgress value) => pending.Writer.TryWrite(value);

    public static SubmissionEvent DoneEvent(Guid submissionId, DateTime at) =>
        new() { SubmissionId = submissionId, Stage = DoneStage, Message = "finished", CreatedAt = at };

    /// <summary>Drops counter updates followed by another update of the same stage and test: only the latest count matters.</summary>
    public static List<GradeProgress> Collapse(IReadOnlyList<GradeProgress> batch)
    {
        var kept = new List<GradeProgress>();
        for (var i = 0; i < batch.Count; i++)
        {
            var p = batch[i];
            var next = i + 1 < batch.Count ? batch[i + 1] : null;
            var superseded = next is not null && p.Done is not null && next.Done is not null && next.Stage == p.Stage && next.Test == p.Test;
            if (!superseded) kept.Add(p);
        }

        return kept;
    }

    private async Task WriteAsync()
    {
        var reader = pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<GradeProgress>();
            while (reader.TryRead(out var p)) batch.Add(p);
            try
            {
                await using var db = await dbs.CreateDbContextAsync();
                var now = DateTime.UtcNow;
                db.SubmissionEvents.AddRange(Collapse(batch).Select(p => new SubmissionEvent
                {
                    SubmissionId = submissionId, Stage = p.Stage, Message = p.Message, Done = p.Done, Total = p.Total, Test = p.Test, CreatedAt = now,
                }));
                await db.SaveChangesAsync();
            }
            catch (Exception e)
            {
                // Progress is a view of the grading, not its result: a failed write loses a step, never the grade.
                log.LogWarning(e, "could not store progress of submission {Submission}", submissionId);
            }

            if (!reader.Completion.IsCompleted)
            {
                try { await Task.Delay(BatchDelay, stop.Token); }
                catch (OperationCanceledException) { }
            }
        }
    }

    private async Task BeatAsync()
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                try
                {
                    await using var db = await dbs.CreateDbContextAsync(stop.Token);
                    var now = DateTime.UtcNow;
                    await db.Submissions.Where(s => s.Id == submissionId && s.Status == SubmissionStatus.Running)
                        .ExecuteUpdateAsync(u => u.SetProperty(s => s.HeartbeatAt, now), stop.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "could not write the heartbeat of submission {Submission}", submissionId);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        pending.Writer.TryComplete();
        stop.Cancel();
        await Task.WhenAll(writer, heartbeat);
        stop.Dispose();
    }
}
