using System.Text;
using System.Text.Json;
using KataServer.Compilation;
using KataServer.Platform;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Platform.Jobs;
using KataServer.Web.Infrastructure;
using KataServer.Web.Katas;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Submissions;

public static class SubmissionEndpoints
{
    public const int MaxCodeBytes = SubmissionLimits.DefaultMaxBytes;
    public const string IdempotencyHeader = "Idempotency-Key";

    public sealed record SubmitRequest(string? Kata, string? Code, string? Mode, string? Replay);
    public sealed record Accepted(Guid Id, string Status);
    public sealed record SubmissionView(Guid Id, string Kata, int? KataVersion, string Mode, string Status, DateTime CreatedAt, DateTime? FinishedAt,
        JsonElement? Report, string? Code, int? Attempt, string? Error);
    public sealed record SubmissionItem(Guid Id, string Kata, int? KataVersion, string Mode, string Status, DateTime CreatedAt, DateTime? FinishedAt, string? Verdict, int? Score);

    public static void MapSubmissionEndpoints(this IEndpointRouteBuilder app)
    {
        var submissions = app.MapGroup("/api/submissions").WithTags("Submissions").RequireAuthorization();
        submissions.MapPost("/", SubmitAsync).RequireRateLimiting(RateLimits.Submissions);
        submissions.MapGet("/", ListAsync);
        submissions.MapGet("/{id:guid}", GetAsync);
        submissions.MapGet("/{id:guid}/events", SubmissionEvents.StreamAsync);
    }

    internal static Task<IResult> SubmitAsync(SubmitRequest body, HttpContext http, KataLibrary katas, PlatformDb db,
        SubmissionQueue queue, PlatformOptions options, CancellationToken cancellationToken) =>
        SubmitToVersionAsync(body, body.Kata is null ? null : katas.LatestVersionOf(body.Kata), http, katas, db, queue, options, cancellationToken);

    /// <summary>A submission graded as <paramref name="kataVersion"/> of an authored kata (a screening pins one), null for a built-in kata.</summary>
    internal static async Task<IResult> SubmitToVersionAsync(SubmitRequest body, int? kataVersion, HttpContext http, KataLibrary katas, PlatformDb db,
        SubmissionQueue queue, PlatformOptions options, CancellationToken cancellationToken)
    {
        var userId = http.User.RequiredUserId();
        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length > 200) return Problems.BadRequest($"the {IdempotencyHeader} header has at most 200 characters");
        if (key.Length > 0 && await FindByKeyAsync(db, userId, key, cancellationToken) is { } earlier) return AcceptedAnswer(earlier);

        if (string.IsNullOrWhiteSpace(body.Kata)) return Problems.BadRequest("\"kata\" is required (GET /api/katas lists them)");
        if (katas.Find(body.Kata) is null) return KataEndpoints.UnknownKata(body.Kata);
        var mode = body.Mode ?? SubmissionModes.Submit;
        if (!SubmissionModes.All.Contains(mode)) return Problems.BadRequest($"\"mode\" must be submit, run or replay (not '{mode}')");
        if (body.Code is null) return Problems.BadRequest("\"code\" is required");
        var bytes = Encoding.UTF8.GetBytes(body.Code);
        if (bytes.Length > MaxCodeBytes) return Problems.TooLarge($"the code is {bytes.Length / 1024} KiB; a solution is at most {MaxCodeBytes / 1024} KiB");
        // The grader's own reader judges empty and binary files; say so now rather than after a queue wait.
        if (!SubmissionSource.TryRead(bytes, GraderPool.SolutionFileName, out _, out var unreadable)) return Problems.BadRequest(unreadable!);
        if (mode == SubmissionModes.Replay)
        {
            try { GraderPool.ParseReplayToken(body.Replay); }
            catch (ArgumentException e) { return Problems.BadRequest($"\"replay\": {e.Message}"); }
        }

        var depth = await queue.DepthAsync(cancellationToken);
        if (depth >= options.MaxQueueDepth)
        {
            await RateLimits.TooManyAsync(http, TimeSpan.FromSeconds(Math.Clamp(depth / 10, 5, 120)), $"The grading queue is full ({depth} waiting).");
            return Results.Empty;
        }

        var submission = new Submission
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Kata = body.Kata,
            KataVersion = kataVersion,
            Mode = mode,
            Code = body.Code,
            ReplayToken = mode == SubmissionModes.Replay ? body.Replay : null,
            IdempotencyKey = key.Length > 0 ? key : null,
            CreatedAt = DateTime.UtcNow,
            Attempt = mode == SubmissionModes.Submit
                ? await db.Submissions.CountAsync(s => s.UserId == userId && s.Kata == body.Kata && s.Mode == SubmissionModes.Submit, cancellationToken) + 1
                : null,
        };
        try
        {
            await queue.AddAsync(submission, cancellationToken);
        }
        catch (DbUpdateException) when (key.Length > 0)
        {
            // The same key raced in from a parallel retry: answer with the one that was stored.
            if (await FindByKeyAsync(db, userId, key, cancellationToken) is { } stored) return AcceptedAnswer(stored);
            throw;
        }

        return AcceptedAnswer(submission);
    }

    private static Task<Submission?> FindByKeyAsync(PlatformDb db, string userId, string key, CancellationToken cancellationToken) =>
        db.Submissions.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId && s.IdempotencyKey == key, cancellationToken);

    private static IResult AcceptedAnswer(Submission s) => Results.Accepted($"/api/submissions/{s.Id}", new Accepted(s.Id, s.Status));

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, PlatformDb db, CancellationToken cancellationToken)
    {
        var submission = await db.Submissions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        // Another learner's submission is answered like a missing one: its existence is not theirs to know.
        if (submission is null || !http.User.MayRead(submission)) return Problems.NotFound($"you have no submission {id}");
        return Results.Ok(View(submission));
    }

    public static SubmissionView View(Submission s) => new(s.Id, s.Kata, s.KataVersion, s.Mode, s.Status, s.CreatedAt, s.FinishedAt,
        ReportOf(s), s.Code, s.Attempt, s.Status == SubmissionStatus.Error ? s.Error : null);

    public static JsonElement? ReportOf(Submission s) =>
        s.Status == SubmissionStatus.Done && s.ReportJson is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null;

    private static async Task<IResult> ListAsync(string? kata, int? limit, HttpContext http, PlatformDb db, CancellationToken cancellationToken)
    {
        var userId = http.User.RequiredUserId();
        var query = db.Submissions.AsNoTracking().Where(s => s.UserId == userId);
        if (!string.IsNullOrEmpty(kata)) query = query.Where(s => s.Kata == kata);
        var items = await query.OrderByDescending(s => s.CreatedAt).Take(Math.Clamp(limit ?? 50, 1, 200))
            .Select(s => new SubmissionItem(s.Id, s.Kata, s.KataVersion, s.Mode, s.Status, s.CreatedAt, s.FinishedAt, s.Verdict, s.Score))
            .ToListAsync(cancellationToken);
        return Results.Ok(items);
    }
}
