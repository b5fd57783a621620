using KataServer.Platform.Data;
using KataServer.Platform.Data.Authoring;
using KataServer.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Authoring;

/// <summary>
/// Co-authors of an authored kata (<c>/api/authoring/katas/{id}/authors</c>): the owner (or an admin) adds another
/// instructor by email; co-authors then see and edit the hidden parts, validate and publish. Every author reads the
/// list; only the owner and admins change it. Anyone else gets what every authoring endpoint gives: 403.
/// </summary>
public static class KataAuthorEndpoints
{
    public sealed record AddRequest(string? Email);
    public sealed record AuthorView(string UserId, string Email, string DisplayName, bool Owner, DateTime? AddedAt);

    public static void MapKataAuthorEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/{id}/authors", ListAsync);
        group.MapPost("/{id}/authors", AddAsync);
        group.MapDelete("/{id}/authors/{userId}", RemoveAsync);
    }

    private static async Task<IResult> ListAsync(string id, HttpContext http, PlatformDb db)
    {
        var (kata, denied) = await AuthoringEndpoints.FindAsync(id, http, db);
        return denied ?? Results.Ok(await AuthorsAsync(db, kata!));
    }

    private static async Task<IResult> AddAsync(string id, AddRequest body, HttpContext http, PlatformDb db, UserManager<User> users)
    {
        var (kata, denied) = await AuthoringEndpoints.FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (!AuthoringEndpoints.Owns(http, kata!)) return AuthoringEndpoints.OwnerOnly(id);
        var email = body.Email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 256) return Problems.BadRequest("\"email\" is required: the email of the instructor to add");

        // Learners and unknown emails get the same answer: this says nothing about who has an account.
        var user = await users.FindByEmailAsync(email);
        if (user is null || !(await users.IsInRoleAsync(user, Roles.Instructor) || await users.IsInRoleAsync(user, Roles.Admin)))
            return Problems.NotFound($"there is no instructor with the email '{email}': only instructors can author katas");
        if (user.Id == kata!.OwnerId) return Problems.Problem(StatusCodes.Status409Conflict, "Already the owner", $"'{email}' owns '{id}' already");
        if (!await db.AuthoredKataAuthors.AnyAsync(a => a.KataId == id && a.UserId == user.Id))
        {
            db.AuthoredKataAuthors.Add(new AuthoredKataAuthor { KataId = id, UserId = user.Id, AddedBy = http.User.RequiredUserId(), AddedAt = DateTime.UtcNow });
            try { await db.SaveChangesAsync(); }
            catch (DbUpdateException) { /* added twice at once: an author either way */ }
        }

        return Results.Ok(await AuthorsAsync(db, kata));
    }

    private static async Task<IResult> RemoveAsync(string id, string userId, HttpContext http, PlatformDb db)
    {
        var (kata, denied) = await AuthoringEndpoints.FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (!AuthoringEndpoints.Owns(http, kata!)) return AuthoringEndpoints.OwnerOnly(id);
        var removed = await db.AuthoredKataAuthors.Where(a => a.KataId == id && a.UserId == userId).ExecuteDeleteAsync();
        return removed == 0 ? Problems.NotFound($"'{userId}' is not a co-author of '{id}'") : Results.Ok(await AuthorsAsync(db, kata!));
    }

    private static async Task<List<AuthorView>> AuthorsAsync(PlatformDb db, AuthoredKata kata)
    {
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == kata.OwnerId)
            .Select(u => new AuthorView(u.Id, u.Email ?? "", u.DisplayName, true, null)).SingleAsync();
        var others = await db.AuthoredKataAuthors.AsNoTracking().Where(a => a.KataId == kata.Id)
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new AuthorView(u.Id, u.Email ?? "", u.DisplayName, false, a.AddedAt))
            .ToListAsync();
        return [owner, .. others.OrderBy(a => a.AddedAt)];
    }
}
