using System.Security.Cryptography;
using System.Text;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Platform.Screenings;
using KataServer.Web.Accounts;
using KataServer.Web.Infrastructure;
using KataServer.Web.Katas;
using KataServer.Web.Learning;
using KataServer.Web.Submissions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Screenings;

/// <summary>
/// The candidate's side, without an account. The invitation link (<c>/screening/join#SECRET</c>; the secret is in the
/// fragment, so it never reaches a server log or a link scanner) can be previewed any number of times; <c>start</c>
/// uses it up: it starts the server's clock and gives this browser the only session secret (an HttpOnly, SameSite=Strict
/// cookie valid on <c>/api/candidate</c> only). Another browser with the same link then gets 409. Grading goes through
/// the learners' submission pipeline unchanged, as an account row that cannot sign in.
/// </summary>
public static class CandidateEndpoints
{
    public const string Prefix = "/api/candidate";
    public const int MaxSnapshotsPerCandidate = 5000;
    public const int LargeInsertChars = 40;

    public sealed record InvitationBody(string? Token);
    public sealed record InvitationPreview(string Screening, IReadOnlyList<KataTitle> Katas, int TimeLimitSeconds, bool HintsAllowed,
        string FindingsShown, string Candidate, string State, DateTime ExpiresAt);
    public sealed record KataTitle(string Id, string Title, string Difficulty);
    public sealed record Started(DateTime StartedAt, DateTime EndsAt);
    public sealed record SessionKata(string Id, string Title, string Difficulty, string Statement, string Starter, string Code, int HintCount);
    public sealed record SessionAnswer(string Screening, string Candidate, int TimeLimitSeconds, DateTime StartedAt, DateTime EndsAt,
        DateTime Now, DateTime? FinishedAt, string? FinishedBecause, bool HintsAllowed, string FindingsShown, IReadOnlyList<SessionKata> Katas, string Xsrf);
    public sealed record CandidateSubmit(string? Kata, string? Code, string? Mode, string? Replay, IReadOnlyList<Paste>? Pastes);
    public sealed record Paste(int Line, int Chars);
    public sealed record AutosaveBody(string? Code, IReadOnlyList<Paste>? Pastes);

    public static void MapCandidateEndpoints(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(Prefix).WithTags("Screening candidate");
        open.MapPost("/invitation", PreviewAsync).RequireRateLimiting(RateLimits.SignIn);
        open.MapPost("/start", StartAsync).RequireRateLimiting(RateLimits.SignIn);

        var session = open.MapGroup("").RequireAuthorization(ScreeningServices.CandidatePolicy).AddEndpointFilter<CandidateSessionFilter>();
        session.MapGet("/session", SessionAsync);
        session.MapPost("/finish", FinishAsync);
        session.MapPut("/katas/{kata}/autosave", AutosaveAsync);
        session.MapGet("/katas/{kata}/hints", (string kata, HttpContext http, KataLibrary katas, PlatformDb db) =>
            HintsAllowed(http, kata) ?? KataEndpoints.GetHintsAsync(kata, katas, http, db));
        session.MapPost("/katas/{kata}/hints", (string kata, HttpContext http, KataLibrary katas, PlatformDb db) =>
            HintsAllowed(http, kata) ?? KataEndpoints.RevealHintAsync(kata, katas, http, db));
        session.MapPost("/diagnostics", (DiagnosticsEndpoints.DiagnosticsRequest body, HttpContext http, KataLibrary katas, GraderPool graders, CancellationToken cancellationToken) =>
            CandidateSession.Of(http).Offers(body.Kata) ? DiagnosticsEndpoints.AnalyzeAsync(body, katas, graders, cancellationToken) : Task.FromResult(NotInScreening(body.Kata)))
            .RequireRateLimiting(RateLimits.Diagnostics);
        session.MapPost("/submissions", SubmitAsync).RequireRateLimiting(RateLimits.Submissions);
        session.MapGet("/submissions/{id:guid}", GetSubmissionAsync);
        session.MapGet("/submissions/{id:guid}/events", (Guid id, HttpContext http, IDbContextFactory<PlatformDb> dbs) =>
        {
            var session = CandidateSession.Of(http);
            return SubmissionEvents.StreamShapedAsync(id, http, dbs, s => s.UserId == session.Candidate.UserId,
                step => CandidateReports.Progress(session.Screening, step), done => CandidateReports.Done(session.Screening, done));
        });
    }

    /// <summary>A new invitation secret (256 random bits) and the hash the database keeps.</summary>
    public static (string Secret, string Hash) NewSecret()
    {
        var secret = "ksi_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (secret, ApiTokens.Hash(secret));
    }

    public static string StateOf(ScreeningCandidate c) =>
        c.RevokedAt is not null ? "revoked"
        : c.FinishedAt is not null || (c.EndsAt is { } end && DateTime.UtcNow >= end) ? "finished"
        : c.StartedAt is not null ? "running"
        : DateTime.UtcNow >= c.InvitationExpiresAt ? "expired"
        : "invited";

    private static async Task<(ScreeningCandidate?, IResult?)> FindInvitationAsync(string? token, PlatformDb db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return (null, Problems.BadRequest("\"token\" is the secret of the invitation link"));
        var hash = ApiTokens.Hash(token);
        var candidate = await db.ScreeningCandidates.SingleOrDefaultAsync(c => c.InvitationHash == hash, cancellationToken);
        return candidate is null
            ? (null, Problems.NotFound("this invitation link is not valid: check that it was copied whole"))
            : (candidate, null);
    }

    private static async Task<IResult> PreviewAsync(InvitationBody body, PlatformDb db, KataLibrary katas, CancellationToken cancellationToken)
    {
        var (candidate, problem) = await FindInvitationAsync(body.Token, db, cancellationToken);
        if (candidate is null) return problem!;
        var screening = await db.Screenings.AsNoTracking().SingleAsync(s => s.Id == candidate.ScreeningId, cancellationToken);
        var titles = screening.KataIds.Select(id => katas.Find(id) is { } k ? new KataTitle(id, k.Manifest.Title, k.Manifest.Difficulty) : new KataTitle(id, id, "")).ToList();
        return Results.Ok(new InvitationPreview(screening.Title, titles, screening.TimeLimitSeconds, screening.HintsAllowed, screening.FindingsShown,
            candidate.Name, StateOf(candidate), candidate.InvitationExpiresAt));
    }

    private static async Task<IResult> StartAsync(InvitationBody body, HttpContext http, PlatformDb db, ScreeningSessions sessions, CancellationToken cancellationToken)
    {
        var (candidate, problem) = await FindInvitationAsync(body.Token, db, cancellationToken);
        if (candidate is null) return problem!;
        switch (StateOf(candidate))
        {
            case "revoked": return Problems.Problem(StatusCodes.Status410Gone, "Invitation revoked", "the interviewer revoked this invitation");
            case "expired": return Problems.Problem(StatusCodes.Status410Gone, "Invitation expired", $"it could be used until {candidate.InvitationExpiresAt:u}");
            case "running" or "finished":
                return Problems.Problem(StatusCodes.Status409Conflict, "Invitation already used",
                    "this link was used to start the session: it continues only in the browser where Start was pressed");
        }

        var screening = await db.Screenings.AsNoTracking().SingleAsync(s => s.Id == candidate.ScreeningId, cancellationToken);
        var secret = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = DateTime.UtcNow;
        var ends = now.AddSeconds(screening.TimeLimitSeconds);
        var sessionHash = ApiTokens.Hash(secret);
        // One conditional update: two browsers pressing Start at once cannot both win.
        var started = await db.ScreeningCandidates
            .Where(c => c.Id == candidate.Id && c.StartedAt == null && c.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.StartedAt, now).SetProperty(c => c.EndsAt, ends).SetProperty(c => c.SessionHash, sessionHash), cancellationToken);
        if (started != 1) return Problems.Problem(StatusCodes.Status409Conflict, "Invitation already used", "the session was started in another browser");

        candidate.StartedAt = now;
        candidate.EndsAt = ends;
        sessions.ScheduleEnd(candidate);
        await db.ScreeningCandidates.Where(c => c.Id == candidate.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.FinishJobId, candidate.FinishJobId), cancellationToken);

        await http.SignInAsync(ScreeningServices.CandidateScheme, CandidateSession.Principal(candidate, secret),
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = ends.AddDays(1) });
        return Results.Ok(new Started(now, ends));
    }

    private static async Task<IResult> SessionAsync(HttpContext http, PlatformDb db, KataLibrary katas, IAntiforgery antiforgery)
    {
        var (candidate, screening) = CandidateSession.Of(http);
        var last = await LastCodeAsync(db, candidate.Id);
        var list = screening.KataIds.Select(id => katas.Find(id)).OfType<KataServer.Katas.Kata>()
            .Select(k => new SessionKata(k.Id, k.Manifest.Title, k.Manifest.Difficulty, k.Statement, k.Starter.Text,
                last.GetValueOrDefault(k.Id) ?? k.Starter.Text, screening.HintsAllowed ? k.Manifest.Hints.Count : 0))
            .ToList();
        // The antiforgery token is bound to this candidate; the page keeps it in memory (no readable cookie needed).
        var xsrf = antiforgery.GetAndStoreTokens(http).RequestToken!;
        return Results.Ok(new SessionAnswer(screening.Title, candidate.Name, screening.TimeLimitSeconds, candidate.StartedAt!.Value, candidate.EndsAt!.Value,
            DateTime.UtcNow, candidate.FinishedAt, candidate.FinishedBecause, screening.HintsAllowed, screening.FindingsShown, list, xsrf));
    }

    /// <summary>The newest code of each kata the candidate touched.</summary>
    internal static async Task<Dictionary<string, string>> LastCodeAsync(PlatformDb db, Guid candidateId)
    {
        var newest = await db.CodeSnapshots.AsNoTracking().Where(s => s.CandidateId == candidateId)
            .GroupBy(s => s.Kata).Select(g => g.Max(s => s.Id)).ToListAsync();
        return await db.CodeSnapshots.AsNoTracking().Where(s => newest.Contains(s.Id)).ToDictionaryAsync(s => s.Kata, s => s.Code);
    }

    private static async Task<IResult> FinishAsync(HttpContext http, ScreeningSessions sessions, CancellationToken cancellationToken)
    {
        var (candidate, _) = CandidateSession.Of(http);
        await sessions.EndAsync(candidate.Id, ScreeningSessions.EndReasons.Finished, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> AutosaveAsync(string kata, AutosaveBody body, HttpContext http, PlatformDb db)
    {
        var session = CandidateSession.Of(http);
        if (!session.Offers(kata)) return NotInScreening(kata);
        if (body.Code is null) return Problems.BadRequest("\"code\" is required");
        if (Encoding.UTF8.GetByteCount(body.Code) > SubmissionEndpoints.MaxCodeBytes) return Problems.TooLarge($"a solution is at most {SubmissionEndpoints.MaxCodeBytes / 1024} KiB");
        if (PastesOf(body.Pastes) is not { } pastes) return Problems.BadRequest("\"pastes\": at most 50 items of { line >= 1, chars >= 1 }");
        var last = await db.CodeSnapshots.AsNoTracking().Where(s => s.CandidateId == session.Candidate.Id && s.Kata == kata)
            .OrderByDescending(s => s.Id).Select(s => s.Code).FirstOrDefaultAsync();
        if (last == body.Code && pastes.Length == 0) return Results.NoContent();
        return await AddSnapshotAsync(db, session.Candidate.Id, kata, SnapshotKinds.Autosave, body.Code, pastes, null) ?? Results.NoContent();
    }

    private static async Task<IResult?> AddSnapshotAsync(PlatformDb db, Guid candidateId, string kata, string kind, string code, string pastes, Guid? submissionId)
    {
        if (await db.CodeSnapshots.CountAsync(s => s.CandidateId == candidateId) >= MaxSnapshotsPerCandidate)
            return kind == SnapshotKinds.Autosave ? Problems.Problem(StatusCodes.Status429TooManyRequests, "Too many snapshots", $"a session keeps at most {MaxSnapshotsPerCandidate}") : null;
        db.CodeSnapshots.Add(new CodeSnapshot
        {
            CandidateId = candidateId, Kata = kata, Kind = kind, Code = code, Pastes = pastes.Length == 0 ? null : pastes,
            SubmissionId = submissionId, CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return null;
    }

    /// <summary>"line:chars" items separated by ';' (what the editor reported as large inserts), or null when malformed.</summary>
    private static string? PastesOf(IReadOnlyList<Paste>? pastes)
    {
        if (pastes is null) return "";
        if (pastes.Count > 50 || pastes.Any(p => p.Line < 1 || p.Chars < 1)) return null;
        return string.Join(';', pastes.Select(p => $"{p.Line}:{p.Chars}"));
    }

    private static async Task<IResult> SubmitAsync(CandidateSubmit body, HttpContext http, KataLibrary katas, PlatformDb db, IDbContextFactory<PlatformDb> dbs,
        Platform.Jobs.SubmissionQueue queue, Platform.PlatformOptions options, CancellationToken cancellationToken)
    {
        var session = CandidateSession.Of(http);
        if (!session.Offers(body.Kata)) return NotInScreening(body.Kata);
        var mode = body.Mode ?? SubmissionModes.Submit;
        // Replaying a finding's interleaving needs its token: only where findings are shown.
        if (mode == SubmissionModes.Replay && CandidateReports.Hides(session.Screening))
            return Problems.BadRequest("this screening shows pass/fail per test only: there is no finding to replay");
        if (PastesOf(body.Pastes) is not { } pastes) return Problems.BadRequest("\"pastes\": at most 50 items of { line >= 1, chars >= 1 }");

        // The learners' submission endpoint does the rest (validation, queue limit, idempotency, attempts): no fork.
        var answer = await SubmissionEndpoints.SubmitAsync(new SubmissionEndpoints.SubmitRequest(body.Kata, body.Code, mode, body.Replay),
            http, katas, db, queue, options, cancellationToken);
        if (answer is IValueHttpResult { Value: SubmissionEndpoints.Accepted accepted } && mode != SubmissionModes.Replay)
        {
            await using var snapshots = await dbs.CreateDbContextAsync(cancellationToken);
            if (!await snapshots.CodeSnapshots.AnyAsync(s => s.SubmissionId == accepted.Id, cancellationToken))
                await AddSnapshotAsync(snapshots, session.Candidate.Id, body.Kata!, mode, body.Code!, pastes, accepted.Id);
        }

        return answer;
    }

    private static async Task<IResult> GetSubmissionAsync(Guid id, HttpContext http, PlatformDb db)
    {
        var session = CandidateSession.Of(http);
        var submission = await db.Submissions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.UserId == session.Candidate.UserId);
        return submission is null ? Problems.NotFound($"you have no submission {id}") : Results.Ok(CandidateReports.View(session.Screening, submission));
    }

    private static Task<IResult>? HintsAllowed(HttpContext http, string kata)
    {
        var session = CandidateSession.Of(http);
        if (!session.Offers(kata)) return Task.FromResult(NotInScreening(kata));
        return session.Screening.HintsAllowed ? null
            : Task.FromResult(Problems.Problem(StatusCodes.Status403Forbidden, "No hints", "this screening does not allow hints"));
    }

    private static IResult NotInScreening(string? kata) => Problems.NotFound($"'{kata}' is not a kata of this screening");
}
