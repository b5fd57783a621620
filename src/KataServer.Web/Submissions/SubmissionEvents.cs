using System.Text.Json;
using KataServer.Platform.Data;
using KataServer.Platform.Progress;
using KataServer.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Submissions;

/// <summary>
/// <c>GET /api/submissions/{id}/events</c>: server-sent events read from the database (the grading may run in another
/// process or on another machine): <c>progress</c> per stored step, then one <c>done</c> with the report. A client that
/// connects after the end gets <c>done</c> at once; <c>Last-Event-ID</c> resumes after the last step it saw.
/// </summary>
public static class SubmissionEvents
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record ProgressData(string Stage, string Message, long? Done, long? Total, string? Test);
    public sealed record DoneData(Guid Id, string Status, JsonElement? Report, string? Error);

    public static Task StreamAsync(Guid id, HttpContext http, IDbContextFactory<PlatformDb> dbs) =>
        StreamShapedAsync(id, http, dbs, http.User.MayRead, step => step, done => done);

    /// <summary>The stream for a reader the caller decides on, with each event's data shaped by the caller (e.g. findings hidden).</summary>
    public static async Task StreamShapedAsync(Guid id, HttpContext http, IDbContextFactory<PlatformDb> dbs, Func<Submission, bool> mayRead,
        Func<ProgressData, object> progress, Func<DoneData, object> done)
    {
        var cancellationToken = http.RequestAborted;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var submission = await db.Submissions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
            if (submission is null || !mayRead(submission))
            {
                await Results.Problem(statusCode: 404, title: "Not found", detail: $"you have no submission {id}").ExecuteAsync(http);
                return;
            }
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        long after = long.TryParse(http.Request.Headers["Last-Event-ID"], out var resume) ? resume : 0;
        var quietSince = DateTime.UtcNow;

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await using var db = await dbs.CreateDbContextAsync(cancellationToken);
                // Status first: every step stored before "done" is then among the events read next.
                var state = await db.Submissions.AsNoTracking().SingleAsync(s => s.Id == id, cancellationToken);
                var steps = await db.SubmissionEvents.AsNoTracking()
                    .Where(e => e.SubmissionId == id && e.Id > after && e.Stage != DatabaseProgress.DoneStage)
                    .OrderBy(e => e.Id).Take(500).ToListAsync(cancellationToken);
                foreach (var step in steps)
                {
                    await WriteAsync(http, "progress", step.Id, progress(new ProgressData(step.Stage, step.Message, step.Done, step.Total, step.Test)));
                    after = step.Id;
                }

                if (steps.Count < 500 && state.Status is SubmissionStatus.Done or SubmissionStatus.Error)
                {
                    await WriteAsync(http, "done", null, done(new DoneData(state.Id, state.Status, SubmissionEndpoints.ReportOf(state),
                        state.Status == SubmissionStatus.Error ? state.Error : null)));
                    return;
                }

                if (steps.Count > 0) quietSince = DateTime.UtcNow;
                else if (DateTime.UtcNow - quietSince > KeepAlive)
                {
                    await http.Response.WriteAsync(": waiting\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    quietSince = DateTime.UtcNow;
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the client went away
        }
    }

    private static async Task WriteAsync(HttpContext http, string name, long? id, object data)
    {
        var text = (id is { } eventId ? $"id: {eventId}\n" : "") + $"event: {name}\ndata: {JsonSerializer.Serialize(data, data.GetType(), Json)}\n\n";
        await http.Response.WriteAsync(text, http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }
}
