using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Platform.Screenings;
using KataServer.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Screenings;

/// <summary>
/// The interviewer's side: screenings, invitations, reports. Instructors and admins only (a learner gets 403); a
/// screening and everything of its candidates is its owner's and the admins': another instructor gets 403 too.
/// </summary>
public static class InterviewerEndpoints
{
    public const int MinTimeLimitSeconds = 10;
    public const int MaxTimeLimitSeconds = 24 * 3600;

    public sealed record CreateScreening(string? Title, IReadOnlyList<string>? Katas, int? TimeLimitSeconds, int? InvitationValidHours,
        bool? HintsAllowed, string? FindingsShown);
    /// <summary><see cref="KataVersions"/>: the published version pinned for each authored kata (built-in katas have none).</summary>
    public sealed record ScreeningView(Guid Id, string Title, IReadOnlyList<string> Katas, IReadOnlyDictionary<string, int> KataVersions, int TimeLimitSeconds,
        int InvitationValidHours, bool HintsAllowed, string FindingsShown, DateTime CreatedAt, string Owner, IReadOnlyList<CandidateView> Candidates);
    public sealed record CandidateView(Guid Id, string Name, string? Email, string State, DateTime InvitedAt, DateTime InvitationExpiresAt,
        DateTime? EmailedAt, DateTime? StartedAt, DateTime? EndsAt, DateTime? FinishedAt, string? FinishedBecause);
    public sealed record InviteBody(string? Name, string? Email);
    public sealed record ExtendBody(int? Minutes);
    public sealed record Invited(CandidateView Candidate, string Link, bool Emailed, string? EmailProblem);

    public static void MapInterviewerEndpoints(this IEndpointRouteBuilder app)
    {
        var screenings = app.MapGroup("/api/screenings").WithTags("Screenings").RequireAuthorization(ScreeningServices.InterviewerPolicy);
        screenings.MapPost("/", CreateAsync);
        screenings.MapGet("/", ListAsync);
        screenings.MapGet("/{id:guid}", GetAsync);
        screenings.MapPost("/{id:guid}/invitations", InviteAsync);
        screenings.MapDelete("/{id:guid}/candidates/{candidateId:guid}", RevokeAsync);
        screenings.MapPost("/{id:guid}/candidates/{candidateId:guid}/invitation", ReissueAsync);
        screenings.MapPost("/{id:guid}/candidates/{candidateId:guid}/extend", ExtendAsync);
        screenings.MapGet("/{id:guid}/candidates/{candidateId:guid}/report", ScreeningReports.CandidateReportAsync);
        screenings.MapGet("/{id:guid}/compare", ScreeningReports.CompareAsync);
        screenings.MapGet("/{id:guid}/compare.csv", ScreeningReports.CompareCsvAsync);
    }

    /// <summary>The screening when the caller owns it or is an admin; otherwise the answer to give (404 or 403).</summary>
    internal static async Task<(Screening?, IResult?)> OwnedAsync(Guid id, HttpContext http, PlatformDb db)
    {
        var screening = await db.Screenings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id);
        if (screening is null) return (null, Problems.NotFound($"there is no screening {id}"));
        if (screening.OwnerId != http.User.RequiredUserId() && !http.User.IsInRole(Roles.Admin))
            return (null, Problems.Problem(StatusCodes.Status403Forbidden, "Not your screening", "only its owner and admins see a screening and its candidates"));
        return (screening, null);
    }

    private static async Task<IResult> CreateAsync(CreateScreening body, HttpContext http, PlatformDb db, KataLibrary katas)
    {
        var title = body.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 200) return Problems.BadRequest("\"title\" is required (at most 200 characters)");
        var ids = body.Katas?.Select(k => k?.Trim() ?? "").ToList() ?? [];
        if (ids.Count is 0 or > 20 || ids.Any(k => k.Length is 0 or > 100))
            return Problems.BadRequest("\"katas\": one to twenty kata ids from GET /api/katas (an authored kata's \"id@version\" pins an older published version)");
        var (pinned, invalid) = await ScreeningKatas.PinAsync(ids, katas, http.RequestAborted);
        if (pinned is null) return Problems.BadRequest(invalid!);
        var limit = body.TimeLimitSeconds ?? 3600;
        if (limit is < MinTimeLimitSeconds or > MaxTimeLimitSeconds) return Problems.BadRequest($"\"timeLimitSeconds\" is between {MinTimeLimitSeconds} and {MaxTimeLimitSeconds}");
        var valid = body.InvitationValidHours ?? 72;
        if (valid is < 1 or > 24 * 90) return Problems.BadRequest("\"invitationValidHours\" is between 1 and 2160 (90 days)");
        var findings = body.FindingsShown ?? FindingsModes.Full;
        if (!FindingsModes.All.Contains(findings)) return Problems.BadRequest($"\"findingsShown\" is {string.Join(" or ", FindingsModes.All)}");

        var screening = new Screening
        {
            Id = Guid.CreateVersion7(), OwnerId = http.User.RequiredUserId(), Title = title, Katas = string.Join('\n', pinned),
            TimeLimitSeconds = limit, InvitationValidHours = valid, HintsAllowed = body.HintsAllowed ?? false, FindingsShown = findings,
            CreatedAt = DateTime.UtcNow,
        };
        db.Screenings.Add(screening);
        await db.SaveChangesAsync();
        return Results.Created($"/api/screenings/{screening.Id}", await ViewAsync(db, screening));
    }

    private static async Task<IResult> ListAsync(HttpContext http, PlatformDb db)
    {
        var userId = http.User.RequiredUserId();
        var query = db.Screenings.AsNoTracking();
        if (!http.User.IsInRole(Roles.Admin)) query = query.Where(s => s.OwnerId == userId);
        var list = await query.OrderByDescending(s => s.CreatedAt).Take(500).ToListAsync();
        var counts = await db.ScreeningCandidates.GroupBy(c => c.ScreeningId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        return Results.Ok(list.Select(s => new { s.Id, s.Title, Katas = s.KataIds, s.TimeLimitSeconds, s.CreatedAt, Candidates = counts.GetValueOrDefault(s.Id) }));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, PlatformDb db)
    {
        var (screening, problem) = await OwnedAsync(id, http, db);
        return screening is null ? problem! : Results.Ok(await ViewAsync(db, screening));
    }

    private static async Task<ScreeningView> ViewAsync(PlatformDb db, Screening s)
    {
        var candidates = await db.ScreeningCandidates.AsNoTracking().Where(c => c.ScreeningId == s.Id).OrderBy(c => c.InvitedAt).ToListAsync();
        var owner = await db.Users.Where(u => u.Id == s.OwnerId).Select(u => u.DisplayName).SingleOrDefaultAsync() ?? "";
        var versions = s.PinnedKatas.Where(k => k.Version is not null).ToDictionary(k => k.Id, k => k.Version!.Value);
        return new ScreeningView(s.Id, s.Title, s.KataIds, versions, s.TimeLimitSeconds, s.InvitationValidHours, s.HintsAllowed, s.FindingsShown, s.CreatedAt,
            owner, candidates.Select(View).ToList());
    }

    internal static CandidateView View(ScreeningCandidate c) => new(c.Id, c.Name, c.Email, CandidateEndpoints.StateOf(c), c.InvitedAt,
        c.InvitationExpiresAt, c.EmailedAt, c.StartedAt, c.EndsAt, c.FinishedAt, c.FinishedBecause);

    private static async Task<IResult> InviteAsync(Guid id, InviteBody body, HttpContext http, PlatformDb db, InvitationMailer mailer, IConfiguration configuration)
    {
        var (screening, problem) = await OwnedAsync(id, http, db);
        if (screening is null) return problem!;
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) return Problems.BadRequest("\"name\" is required (at most 200 characters)");
        var email = string.IsNullOrWhiteSpace(body.Email) ? null : body.Email.Trim();
        if (email is not null && (email.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(email, out _)))
            return Problems.BadRequest("\"email\" is not an e-mail address");

        var (secret, hash) = CandidateEndpoints.NewSecret();
        var now = DateTime.UtcNow;
        // The account row that owns the candidate's submissions: no password, no role, no e-mail, so it cannot sign in.
        var user = new User
        {
            Id = ScreeningSessions.CandidateIdPrefix + Guid.NewGuid().ToString("N"),
            DisplayName = name.Length > 100 ? name[..100] : name,
            SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        user.UserName = user.NormalizedUserName = user.Id;
        var candidate = new ScreeningCandidate
        {
            Id = Guid.CreateVersion7(), ScreeningId = screening.Id, UserId = user.Id, Name = name, Email = email, InvitationHash = hash,
            InvitedAt = now, InvitationExpiresAt = now.AddHours(screening.InvitationValidHours),
        };
        db.Users.Add(user);
        db.ScreeningCandidates.Add(candidate);
        await db.SaveChangesAsync();

        return Results.Created($"/api/screenings/{screening.Id}", await SendLinkAsync(screening, candidate, secret, http, db, mailer, configuration));
    }

    /// <summary>The link to hand over: e-mailed when an SMTP server is configured and the candidate has an address, else shown once.</summary>
    private static async Task<Invited> SendLinkAsync(Screening screening, ScreeningCandidate candidate, string secret, HttpContext http, PlatformDb db,
        InvitationMailer mailer, IConfiguration configuration)
    {
        var link = $"{PublicBase(http, configuration)}/screening/join#{secret}";
        string? emailProblem = null;
        if (candidate.Email is { } email && mailer.Configured)
        {
            emailProblem = await mailer.SendAsync(email, candidate.Name, screening.Title, link, (int)Math.Ceiling(screening.TimeLimitSeconds / 60.0),
                candidate.InvitationExpiresAt, http.RequestAborted);
            if (emailProblem is null)
            {
                candidate.EmailedAt = DateTime.UtcNow;
                await db.ScreeningCandidates.Where(c => c.Id == candidate.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.EmailedAt, candidate.EmailedAt));
            }
        }

        return new Invited(View(candidate), link, candidate.EmailedAt is not null, emailProblem);
    }

    /// <summary>The candidate of this screening (404 for one of another screening) with its deadline checked, or the answer to give.</summary>
    private static async Task<(ScreeningCandidate?, IResult?)> CandidateAsync(Guid id, Guid candidateId, HttpContext http, PlatformDb db, ScreeningSessions sessions)
    {
        var (screening, problem) = await OwnedAsync(id, http, db);
        if (screening is null) return (null, problem);
        var candidate = await db.ScreeningCandidates.AsNoTracking().SingleOrDefaultAsync(c => c.Id == candidateId && c.ScreeningId == id);
        if (candidate is null) return (null, Problems.NotFound($"screening {id} has no candidate {candidateId}"));
        await sessions.EndIfDueAsync(candidate, http.RequestAborted);
        if (candidate.RevokedAt is not null)
            return (null, Problems.Problem(StatusCodes.Status409Conflict, "Invitation revoked", "a revoked invitation stays revoked: invite the candidate again"));
        if (candidate.FinishedAt is not null)
            return (null, Problems.Problem(StatusCodes.Status409Conflict, "The session has ended", $"it ended at {candidate.FinishedAt:u} ({candidate.FinishedBecause}); its code was graded"));
        return (candidate, null);
    }

    /// <summary>
    /// A new link for the same candidate (lost, expired or leaked): the old link stops working at once, and so does the
    /// browser holding a running session; the new link starts the session, or continues a running one (same clock), once.
    /// </summary>
    private static async Task<IResult> ReissueAsync(Guid id, Guid candidateId, HttpContext http, PlatformDb db, ScreeningSessions sessions,
        InvitationMailer mailer, IConfiguration configuration)
    {
        var (candidate, problem) = await CandidateAsync(id, candidateId, http, db, sessions);
        if (candidate is null) return problem!;
        var screening = await db.Screenings.AsNoTracking().SingleAsync(s => s.Id == id);
        var (secret, hash) = CandidateEndpoints.NewSecret();
        var expires = DateTime.UtcNow.AddHours(screening.InvitationValidHours);
        var replaced = await db.ScreeningCandidates
            .Where(c => c.Id == candidate.Id && c.InvitationHash == candidate.InvitationHash && c.RevokedAt == null && c.FinishedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.InvitationHash, hash).SetProperty(c => c.InvitationExpiresAt, expires)
                .SetProperty(c => c.SessionHash, (string?)null).SetProperty(c => c.EmailedAt, (DateTime?)null));
        if (replaced != 1) return Problems.Problem(StatusCodes.Status409Conflict, "The invitation changed meanwhile", "reload and try again");
        candidate.InvitationHash = hash;
        candidate.InvitationExpiresAt = expires;
        candidate.SessionHash = null;
        candidate.EmailedAt = null;
        return Results.Ok(await SendLinkAsync(screening, candidate, secret, http, db, mailer, configuration));
    }

    /// <summary>More minutes for a running session; the server's deadline moves and so does the job that ends it.</summary>
    private static async Task<IResult> ExtendAsync(Guid id, Guid candidateId, ExtendBody body, HttpContext http, PlatformDb db, ScreeningSessions sessions)
    {
        if (body.Minutes is not (>= 1 and <= 24 * 60)) return Problems.BadRequest("\"minutes\" is between 1 and 1440");
        var (candidate, problem) = await CandidateAsync(id, candidateId, http, db, sessions);
        if (candidate is null) return problem!;
        if (candidate.StartedAt is not { } started)
            return Problems.Problem(StatusCodes.Status409Conflict, "Not started", "the clock starts when the candidate presses Start: there is nothing to extend yet");
        if ((candidate.EndsAt!.Value.AddMinutes(body.Minutes.Value) - started).TotalSeconds > CandidateEndpoints.MaxSessionSeconds)
            return Problems.BadRequest($"a session lasts at most {CandidateEndpoints.MaxSessionSeconds / 3600} hours, extensions included");
        if (await sessions.ExtendAsync(candidate.Id, TimeSpan.FromMinutes(body.Minutes.Value), http.RequestAborted) is null)
            return Problems.Problem(StatusCodes.Status409Conflict, "The session has ended", "its deadline passed or it ended meanwhile");
        var updated = await db.ScreeningCandidates.AsNoTracking().SingleAsync(c => c.Id == candidate.Id);
        return Results.Ok(View(updated));
    }

    /// <summary><c>KataServer__PublicUrl</c> when set (behind a proxy), else the address this request came to.</summary>
    private static string PublicBase(HttpContext http, IConfiguration configuration) =>
        (configuration["KataServer:PublicUrl"] is { Length: > 0 } configured ? configured : $"{http.Request.Scheme}://{http.Request.Host}").TrimEnd('/');

    private static async Task<IResult> RevokeAsync(Guid id, Guid candidateId, HttpContext http, PlatformDb db, ScreeningSessions sessions)
    {
        var (screening, problem) = await OwnedAsync(id, http, db);
        if (screening is null) return problem!;
        var now = DateTime.UtcNow;
        var found = await db.ScreeningCandidates.Where(c => c.Id == candidateId && c.ScreeningId == id && c.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, now));
        if (found == 0 && !await db.ScreeningCandidates.AnyAsync(c => c.Id == candidateId && c.ScreeningId == id))
            return Problems.NotFound($"screening {id} has no candidate {candidateId}");
        // A running session stops now; what was written so far is kept and its last code graded.
        await sessions.EndAsync(candidateId, ScreeningSessions.EndReasons.Revoked, http.RequestAborted);
        return Results.NoContent();
    }
}
