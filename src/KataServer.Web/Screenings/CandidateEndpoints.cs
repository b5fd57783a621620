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
    /// <summary>The longest a session can last, extensions included (48 hours).</summary>
    public const int MaxSessionSeconds = 48 * 3600;

    public sealed record InvitationBody(string? Token);
    /// <summary><see cref="State"/>: see <see cref="LinkStateOf"/>; <see cref="EndsAt"/> is set once the session has started.</summary>
    public sealed record InvitationPreview(string Screening, IReadOnlyList<KataTitle> Katas, int TimeLimitSeconds, bool HintsAllowed,
        string FindingsShown, string Candidate, string State, DateTime ExpiresAt, DateTime? EndsAt);
    public sealed record KataTitle(string Id, string Title, string Difficulty);
    public sealed record Started(DateTime StartedAt, DateTime EndsAt);
    public sealed record SessionKata(string Id, string Title, string Difficulty, string Statement, string Starter, string Code, int HintCount);
    public sealed record SessionAnswer(string Screening, string Candidate, int TimeLimitSeconds, DateTime StartedAt, DateTime EndsAt,
        DateTime Now, DateTime? FinishedAt, string? FinishedBecause, bool HintsAllowed, string FindingsShown, IReadOnlyList<SessionKata> Katas, string Xsrf);
    public sealed record CandidateSubmit(string? Kata, string? Code, string? Mode, string? Replay, IReadOnlyList<Paste>? Pastes);
    /// <summary>A large insert: the lines <see cref="Line"/>..<see cref="EndLine"/> (of the code sent with it) it covers, and its length.</summary>
    public sealed record Paste(int Line, int Chars, int? EndLine = null);
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
            WithKataAsync(http, katas, kata, k => HintsAllowed(http) ?? KataEndpoints.RevealedHintsAsync(k, http, db)));
        session.MapPost("/katas/{kata}/hints", (string kata, HttpContext http, KataLibrary katas, PlatformDb db) =>
            WithKataAsync(http, katas, kata, k => HintsAllowed(http) ?? KataEndpoints.RevealNextHintAsync(k, http, db)));
        session.MapPost("/diagnostics", (DiagnosticsEndpoints.DiagnosticsRequest body, HttpContext http, KataLibrary katas, GraderPool graders, CancellationToken cancellationToken) =>
            WithKataAsync(http, katas, body.Kata, k => DiagnosticsEndpoints.AnalyzeKataAsync(k, body, graders, cancellationToken)))
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

    /// <summary>The candidate's state as the interviewer sees it: invited, expired, revoked, running or finished.</summary>
    public static string StateOf(ScreeningCandidate c) =>
        c.RevokedAt is not null ? "revoked"
        : c.FinishedAt is not null || (c.EndsAt is { } end && DateTime.UtcNow >= end) ? "finished"
        : c.StartedAt is not null ? "running"
        : DateTime.UtcNow >= c.InvitationExpiresAt ? "expired"
        : "invited";

    /// <summary>
    /// What the link can do, as its preview says: <c>invited</c> (Start begins the clock), <c>resumable</c> (a link the
    /// interviewer re-issued for a running session: Start continues it in this browser), <c>used</c> (the session runs in
    /// the browser that pressed Start), <c>expired</c>, <c>revoked</c> or <c>finished</c>.
    /// </summary>
    public static string LinkStateOf(ScreeningCandidate c) => StateOf(c) switch
    {
        "running" when c.SessionHash is not null => "used",
        "running" when DateTime.UtcNow >= c.InvitationExpiresAt => "expired",
        "running" => "resumable",
        var state => state,
    };

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
        var titles = (await ScreeningKatas.ResolveAllAsync(katas, screening, cancellationToken))
            .Select(k => k.Kata is { } found ? new KataTitle(k.Id, found.Manifest.Title, found.Manifest.Difficulty) : new KataTitle(k.Id, k.Id, "")).ToList();
        return Results.Ok(new InvitationPreview(screening.Title, titles, screening.TimeLimitSeconds, screening.HintsAllowed, screening.FindingsShown,
            candidate.Name, LinkStateOf(candidate), candidate.InvitationExpiresAt, candidate.EndsAt));
    }

    private static async Task<IResult> StartAsync(InvitationBody body, HttpContext http, PlatformDb db, ScreeningSessions sessions, CancellationToken cancellationToken)
    {
        var (candidate, problem) = await FindInvitationAsync(body.Token, db, cancellationToken);
        if (candidate is null) return problem!;
        await sessions.EndIfDueAsync(candidate, cancellationToken);
        switch (LinkStateOf(candidate))
        {
            case "revoked": return Problems.Problem(StatusCodes.Status410Gone, "Invitation revoked", "the interviewer revoked this invitation");
            case "expired": return Problems.Problem(StatusCodes.Status410Gone, "Invitation expired", $"it could be used until {candidate.InvitationExpiresAt:u}");
            case "finished": return Problems.Problem(StatusCodes.Status409Conflict, "The session has ended", "nothing can be changed any more");
            case "used":
                return Problems.Problem(StatusCodes.Status409Conflict, "Invitation already used",
                    "this link was used to start the session: it continues only in the browser where Start was pressed (the interviewer can re-issue the link)");
            case "resumable": return await ResumeAsync(candidate, http, db, cancellationToken);
        }

        var screening = await db.Screenings.AsNoTracking().SingleAsync(s => s.Id == candidate.ScreeningId, cancellationToken);
        var secret = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = DateTime.UtcNow;
        var ends = now.AddSeconds(screening.TimeLimitSeconds);
        var sessionHash = ApiTokens.Hash(secret);
        // One conditional update: two browsers pressing Start at once cannot both win.
        var started = await db.ScreeningCandidates
            .Where(c => c.Id == candidate.Id && c.InvitationHash == candidate.InvitationHash && c.StartedAt == null && c.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.StartedAt, now).SetProperty(c => c.EndsAt, ends).SetProperty(c => c.SessionHash, sessionHash), cancellationToken);
        if (started != 1) return Problems.Problem(StatusCodes.Status409Conflict, "Invitation already used", "the session was started in another browser");

        candidate.StartedAt = now;
        candidate.EndsAt = ends;
        sessions.ScheduleEnd(candidate);
        await db.ScreeningCandidates.Where(c => c.Id == candidate.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.FinishJobId, candidate.FinishJobId), cancellationToken);

        await SignInAsync(http, candidate, secret);
        return Results.Ok(new Started(now, ends));
    }

    /// <summary>
    /// A re-issued link of a running session: this browser takes the session over (same clock, same code). The re-issue
    /// already signed the previous browser out; one conditional update, so the new link also works once.
    /// </summary>
    private static async Task<IResult> ResumeAsync(ScreeningCandidate candidate, HttpContext http, PlatformDb db, CancellationToken cancellationToken)
    {
        var secret = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var sessionHash = ApiTokens.Hash(secret);
        var now = DateTime.UtcNow;
        var resumed = await db.ScreeningCandidates
            .Where(c => c.Id == candidate.Id && c.InvitationHash == candidate.InvitationHash && c.StartedAt != null && c.SessionHash == null
                && c.FinishedAt == null && c.RevokedAt == null && c.EndsAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.SessionHash, sessionHash), cancellationToken);
        if (resumed != 1) return Problems.Problem(StatusCodes.Status409Conflict, "Invitation already used", "the session was taken over in another browser, or it has ended");
        await SignInAsync(http, candidate, secret);
        return Results.Ok(new Started(candidate.StartedAt!.Value, candidate.EndsAt!.Value));
    }

    /// <summary>The candidate cookie: it outlives the longest session by a day, so the code and report stay readable after the end.</summary>
    private static Task SignInAsync(HttpContext http, ScreeningCandidate candidate, string secret) =>
        http.SignInAsync(ScreeningServices.CandidateScheme, CandidateSession.Principal(candidate, secret),
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = candidate.StartedAt!.Value.AddSeconds(MaxSessionSeconds).AddDays(1) });

    private static async Task<IResult> SessionAsync(HttpContext http, PlatformDb db, KataLibrary katas, IAntiforgery antiforgery)
    {
        var (candidate, screening) = CandidateSession.Of(http);
        var last = await LastCodeAsync(db, candidate.Id);
        // Only what learners see of a kata: never its tests, reference or mutants (an authored kata as the pinned version).
        var list = (await ScreeningKatas.ResolveAllAsync(katas, screening, http.RequestAborted)).Select(k => k.Kata).OfType<KataServer.Katas.Kata>()
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
        if (PastesOf(body.Pastes, body.Code) is not { } pastes) return Problems.BadRequest(PastesProblem);
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

    private const string PastesProblem = "\"pastes\": at most 50 items of { line, endLine, chars }: lines of the code sent (1 <= line <= endLine), chars >= 1";

    /// <summary>
    /// "line-endLine:chars" items separated by ';' (what the editor reported as large inserts, as line ranges of
    /// <paramref name="code"/>), or null when malformed. An item without endLine covers its first line only.
    /// </summary>
    private static string? PastesOf(IReadOnlyList<Paste>? pastes, string code)
    {
        if (pastes is null) return "";
        var lines = code.Count(c => c == '\n') + 1;
        if (pastes.Count > 50 || pastes.Any(p => p.Chars < 1 || p.Line < 1 || (p.EndLine ?? p.Line) < p.Line || (p.EndLine ?? p.Line) > lines)) return null;
        return string.Join(';', pastes.Select(p => $"{p.Line}-{p.EndLine ?? p.Line}:{p.Chars}"));
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
        if (PastesOf(body.Pastes, body.Code ?? "") is not { } pastes) return Problems.BadRequest(PastesProblem);

        // The learners' submission endpoint does the rest (validation, queue limit, idempotency, attempts): no fork.
        var answer = await SubmissionEndpoints.SubmitToVersionAsync(new SubmissionEndpoints.SubmitRequest(body.Kata, body.Code, mode, body.Replay),
            session.Screening.VersionOf(body.Kata!), http, katas, db, queue, options, cancellationToken);
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

    private static Task<IResult>? HintsAllowed(HttpContext http) =>
        CandidateSession.Of(http).Screening.HintsAllowed ? null
            : Task.FromResult(Problems.Problem(StatusCodes.Status403Forbidden, "No hints", "this screening does not allow hints"));

    /// <summary>Runs <paramref name="then"/> with the kata as this screening gives it (an authored kata as the pinned version), or 404.</summary>
    private static async Task<IResult> WithKataAsync(HttpContext http, KataLibrary katas, string? kata, Func<KataServer.Katas.Kata, Task<IResult>> then)
    {
        var session = CandidateSession.Of(http);
        var resolved = session.Offers(kata) ? await ScreeningKatas.ResolveAsync(katas, session.Screening, kata!, http.RequestAborted) : null;
        return resolved is null ? NotInScreening(kata) : await then(resolved);
    }

    private static IResult NotInScreening(string? kata) => Problems.NotFound($"'{kata}' is not a kata of this screening");
}
