using System.Security.Cryptography;
using System.Text;
using KataServer.Platform.Cohorts;
using KataServer.Platform.Data;
using KataServer.Platform.Data.Cohorts;
using KataServer.Platform.Grading;
using KataServer.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Cohorts;

/// <summary>
/// Cohorts: an instructor creates one, invites learners by link (an unguessable secret for one cohort, only its SHA-256
/// stored, expiring), assigns katas with optional due dates, and reads where the group struggles. Learners join by link
/// and see their cohorts' assignments. Only the cohort's owner and admins read a cohort's page and export.
/// </summary>
public static class CohortEndpoints
{
    public sealed record CreateRequest(string? Name);
    public sealed record InviteRequest(int? Days);
    public sealed record JoinRequest(string? Token);
    public sealed record AssignRequest(DateTime? DueAt);
    public sealed record CohortItem(Guid Id, string Name, int Members, int Assignments, DateTime CreatedAt);
    public sealed record Invite(string Token, string Url, DateTime ExpiresAt);
    public sealed record Revoked(int Links);
    public sealed record Assignment(string Kata, string Title, DateTime? DueAt);
    public sealed record MyCohort(Guid Id, string Name, IReadOnlyList<Assignment> Assignments);
    public sealed record Member(string UserId, string DisplayName, string Email, DateTime JoinedAt);
    public sealed record AttemptView(Guid Id, string Kata, int? KataVersion, int? Attempt, DateTime CreatedAt, string Status, string? Verdict, int? Score,
        IReadOnlyList<string> FindingKinds, IReadOnlyList<string> FailedTests);
    public sealed record LearnerView(string UserId, string DisplayName, string Email, IReadOnlyList<AttemptView> Attempts);
    public sealed record CohortPage(Guid Id, string Name, IReadOnlyList<Assignment> Assignments, IReadOnlyList<KataStats> Katas,
        IReadOnlyList<Member> Members, IReadOnlyList<LearnerView> Learners);

    public const int MaxInviteDays = 30;

    public static void MapCohortEndpoints(this IEndpointRouteBuilder app)
    {
        var teach = app.MapGroup("/api/cohorts").WithTags("Cohorts").RequireAuthorization(p => p.RequireRole(Roles.Instructor, Roles.Admin));
        teach.MapGet("/", ListAsync);
        teach.MapPost("/", CreateAsync);
        teach.MapGet("/{id:guid}", PageAsync);
        teach.MapPost("/{id:guid}/invites", InviteAsync);
        teach.MapDelete("/{id:guid}/invites", RevokeInvitesAsync);
        teach.MapDelete("/{id:guid}", DeleteAsync);
        teach.MapPut("/{id:guid}/assignments/{kata}", AssignAsync);
        teach.MapDelete("/{id:guid}/assignments/{kata}", UnassignAsync);
        teach.MapGet("/{id:guid}/export.csv", ExportAsync);

        var learn = app.MapGroup("/api/my/cohorts").WithTags("Cohorts").RequireAuthorization();
        learn.MapGet("/", MineAsync);
        learn.MapPost("/join", JoinAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, PlatformDb db)
    {
        var userId = http.User.RequiredUserId();
        var query = http.User.IsInRole(Roles.Admin) ? db.Cohorts : db.Cohorts.Where(c => c.OwnerId == userId);
        var items = await query.OrderByDescending(c => c.CreatedAt).Select(c => new CohortItem(c.Id, c.Name,
            db.CohortMembers.Count(m => m.CohortId == c.Id), db.CohortAssignments.Count(a => a.CohortId == c.Id), c.CreatedAt)).ToListAsync();
        return Results.Ok(items);
    }

    private static async Task<IResult> CreateAsync(CreateRequest body, HttpContext http, PlatformDb db)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) return Problems.BadRequest("\"name\" is required (at most 200 characters)");
        var cohort = new Cohort { Id = Guid.CreateVersion7(), Name = name, OwnerId = http.User.RequiredUserId(), CreatedAt = DateTime.UtcNow };
        db.Cohorts.Add(cohort);
        await db.SaveChangesAsync();
        return Results.Created($"/api/cohorts/{cohort.Id}", new CohortItem(cohort.Id, cohort.Name, 0, 0, cohort.CreatedAt));
    }

    private static async Task<IResult> InviteAsync(Guid id, InviteRequest? body, HttpContext http, PlatformDb db)
    {
        var (cohort, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        var days = body?.Days ?? 7;
        if (days is < 1 or > MaxInviteDays) return Problems.BadRequest($"\"days\" must be between 1 and {MaxInviteDays}");
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var invite = new CohortInvite { Id = Guid.NewGuid(), CohortId = cohort!.Id, Hash = Hash(token), CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(days) };
        db.CohortInvites.Add(invite);
        await db.SaveChangesAsync();
        return Results.Ok(new Invite(token, $"/join/{token}", invite.ExpiresAt));
    }

    /// <summary>Every invite link of the cohort stops working at once (a link was shared too widely); members stay members.</summary>
    private static async Task<IResult> RevokeInvitesAsync(Guid id, HttpContext http, PlatformDb db)
    {
        var (_, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        var revoked = await db.CohortInvites.Where(i => i.CohortId == id).ExecuteDeleteAsync();
        return Results.Ok(new Revoked(revoked));
    }

    /// <summary>
    /// Deletes the cohort: its invite links, memberships and assignments. The learners' submissions are theirs, not the
    /// cohort's, so they stay (each learner still reads them; a new cohort assigning the same katas shows them again).
    /// </summary>
    private static async Task<IResult> DeleteAsync(Guid id, HttpContext http, PlatformDb db)
    {
        var (_, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        await db.Cohorts.Where(c => c.Id == id).ExecuteDeleteAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> JoinAsync(JoinRequest body, HttpContext http, PlatformDb db, KataLibrary library)
    {
        if (string.IsNullOrWhiteSpace(body.Token) || body.Token.Length > 100) return Problems.BadRequest("\"token\" is required (the end of the invite link)");
        var hash = Hash(body.Token);
        var invite = await db.CohortInvites.AsNoTracking().SingleOrDefaultAsync(i => i.Hash == hash);
        if (invite is null) return Problems.NotFound("this invite link is not valid: ask your instructor for a new one");
        if (invite.ExpiresAt < DateTime.UtcNow) return Problems.Problem(StatusCodes.Status410Gone, "Invite expired", $"this invite link expired on {invite.ExpiresAt:u}: ask your instructor for a new one");
        var userId = http.User.RequiredUserId();
        var cohort = await db.Cohorts.AsNoTracking().SingleAsync(c => c.Id == invite.CohortId);
        if (!await db.CohortMembers.AnyAsync(m => m.CohortId == cohort.Id && m.UserId == userId))
        {
            db.CohortMembers.Add(new CohortMember { CohortId = cohort.Id, UserId = userId, JoinedAt = DateTime.UtcNow });
            try { await db.SaveChangesAsync(); }
            catch (DbUpdateException) { /* joined twice at once: a member either way */ }
        }

        return Results.Ok(new MyCohort(cohort.Id, cohort.Name, await AssignmentsAsync(db, cohort.Id, library)));
    }

    private static async Task<IResult> MineAsync(HttpContext http, PlatformDb db, KataLibrary library)
    {
        var userId = http.User.RequiredUserId();
        var cohorts = await db.CohortMembers.Where(m => m.UserId == userId).Join(db.Cohorts, m => m.CohortId, c => c.Id, (m, c) => c).ToListAsync();
        var mine = new List<MyCohort>();
        foreach (var c in cohorts) mine.Add(new MyCohort(c.Id, c.Name, await AssignmentsAsync(db, c.Id, library)));
        return Results.Ok(mine);
    }

    private static async Task<IResult> AssignAsync(Guid id, string kata, AssignRequest? body, HttpContext http, PlatformDb db, KataLibrary library)
    {
        var (cohort, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (library.Find(kata) is null) return Problems.NotFound($"there is no published kata '{kata}' (GET /api/katas lists them)");
        var assignment = await db.CohortAssignments.SingleOrDefaultAsync(a => a.CohortId == id && a.Kata == kata);
        if (assignment is null) db.CohortAssignments.Add(assignment = new CohortAssignment { CohortId = cohort!.Id, Kata = kata, AssignedAt = DateTime.UtcNow });
        assignment.DueAt = body?.DueAt?.ToUniversalTime();
        await db.SaveChangesAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> UnassignAsync(Guid id, string kata, HttpContext http, PlatformDb db)
    {
        var (_, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        await db.CohortAssignments.Where(a => a.CohortId == id && a.Kata == kata).ExecuteDeleteAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> PageAsync(Guid id, HttpContext http, PlatformDb db, KataLibrary library)
    {
        var (cohort, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        var (members, attempts, assignments, katas) = await LoadAsync(db, library, cohort!);
        var learners = members.Select(m => new LearnerView(m.UserId, m.DisplayName, m.Email, attempts.Where(a => a.UserId == m.UserId)
            .OrderByDescending(a => a.CreatedAt).Select(a => new AttemptView(a.Id, a.Kata, a.KataVersion, a.Number, a.CreatedAt, a.Status, a.Verdict, a.Score, a.FindingKinds, a.FailedTests))
            .ToList())).ToList();
        return Results.Ok(new CohortPage(cohort!.Id, cohort.Name, assignments, katas, members, learners));
    }

    private static async Task<IResult> ExportAsync(Guid id, HttpContext http, PlatformDb db, KataLibrary library)
    {
        var (cohort, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        var (members, attempts, _, _) = await LoadAsync(db, library, cohort!);
        var byId = members.ToDictionary(m => m.UserId);
        var csv = Csv.Write(
            ["learner", "email", "kata", "kata_version", "attempt", "submitted_at", "status", "verdict", "score", "findings", "failed_tests"],
            attempts.OrderBy(a => byId[a.UserId].DisplayName).ThenBy(a => a.CreatedAt).Select(a => (IReadOnlyList<string?>)
            [
                byId[a.UserId].DisplayName, byId[a.UserId].Email, a.Kata, a.KataVersion?.ToString(), a.Number?.ToString(),
                a.CreatedAt.ToString("u"), a.Status, a.Verdict, a.Score?.ToString(), string.Join(' ', a.FindingKinds), string.Join(' ', a.FailedTests),
            ]));
        return Results.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"cohort-{cohort!.Id}.csv");
    }

    private static async Task<(List<Member> Members, List<Attempt> Attempts, IReadOnlyList<Assignment> Assignments, List<KataStats> Katas)> LoadAsync(
        PlatformDb db, KataLibrary library, Cohort cohort)
    {
        var joined = await db.CohortMembers.AsNoTracking().Where(m => m.CohortId == cohort.Id)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.DisplayName, u.Email, m.JoinedAt })
            .ToListAsync();
        var members = joined.Select(m => new Member(m.Id, m.DisplayName, m.Email ?? "", m.JoinedAt)).OrderBy(m => m.DisplayName, StringComparer.Ordinal).ToList();
        var ids = members.Select(m => m.UserId).ToList();
        var assignments = await AssignmentsAsync(db, cohort.Id, library);
        var kataIds = assignments.Select(a => a.Kata).ToList();
        var rows = await db.Submissions.AsNoTracking()
            .Where(s => ids.Contains(s.UserId) && kataIds.Contains(s.Kata) && s.Mode == SubmissionModes.Submit)
            .Select(s => new { s.Id, s.UserId, s.Kata, s.KataVersion, s.Attempt, s.CreatedAt, s.Status, s.Verdict, s.Score, s.ReportJson })
            .ToListAsync();
        var attempts = rows.Select(s =>
        {
            var (kinds, failed) = Attempt.FromReport(s.ReportJson);
            return new Attempt(s.Id, s.UserId, s.Kata, s.KataVersion, s.Attempt, s.CreatedAt, s.Status, s.Verdict, s.Score, kinds, failed);
        }).ToList();
        var hints = await db.HintReveals.AsNoTracking().Where(h => ids.Contains(h.UserId) && kataIds.Contains(h.Kata))
            .GroupBy(h => h.Kata).Select(g => new { Kata = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Kata, g => g.Count);
        var katas = assignments.Select(a => CohortStats.ForKata(a.Kata, members.Count, attempts, hints.GetValueOrDefault(a.Kata))).ToList();
        return (members, attempts, assignments, katas);
    }

    private static async Task<IReadOnlyList<Assignment>> AssignmentsAsync(PlatformDb db, Guid cohortId, KataLibrary library)
    {
        var rows = await db.CohortAssignments.AsNoTracking().Where(a => a.CohortId == cohortId).OrderBy(a => a.AssignedAt).ToListAsync();
        return rows.Select(a => new Assignment(a.Kata, library.Find(a.Kata)?.Manifest.Title ?? a.Kata, a.DueAt)).ToList();
    }

    private static async Task<(Cohort? Cohort, IResult? Denied)> FindAsync(Guid id, HttpContext http, PlatformDb db)
    {
        var cohort = await db.Cohorts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id);
        if (cohort is null) return (null, Problems.NotFound($"there is no cohort {id}"));
        return cohort.OwnerId == http.User.UserId() || http.User.IsInRole(Roles.Admin)
            ? (cohort, null)
            : (null, Problems.Problem(StatusCodes.Status403Forbidden, "Forbidden", "only the cohort's instructor and admins see it"));
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
