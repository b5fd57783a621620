using KataServer.Platform.Data;
using KataServer.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Accounts;

public static class TokenEndpoints
{
    public sealed record CreateTokenRequest(string? Name);
    public sealed record TokenInfo(Guid Id, string Name, DateTime CreatedAt, DateTime? LastUsedAt);
    public sealed record CreatedToken(Guid Id, string Name, string Token, DateTime CreatedAt);

    public static void MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/tokens").WithTags("Accounts").RequireAuthorization();
        tokens.MapGet("/", ListAsync);
        tokens.MapPost("/", CreateAsync);
        tokens.MapDelete("/{id:guid}", RevokeAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, PlatformDb db)
    {
        var userId = http.User.RequiredUserId();
        var rows = await db.ApiTokens.Where(t => t.UserId == userId && t.RevokedAt == null).OrderBy(t => t.CreatedAt)
            .Select(t => new TokenInfo(t.Id, t.Name, t.CreatedAt, t.LastUsedAt)).ToListAsync();
        return Results.Ok(rows);
    }

    private static async Task<IResult> CreateAsync(CreateTokenRequest? body, HttpContext http, PlatformDb db)
    {
        if (body?.Name is { Length: > 100 }) return Problems.BadRequest("a token name has at most 100 characters");
        var (row, secret) = ApiTokens.Create(http.User.RequiredUserId(), body?.Name);
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync();
        return Results.Ok(new CreatedToken(row.Id, row.Name, secret, row.CreatedAt));
    }

    private static async Task<IResult> RevokeAsync(Guid id, HttpContext http, PlatformDb db)
    {
        var userId = http.User.RequiredUserId();
        var now = DateTime.UtcNow;
        var revoked = await db.ApiTokens.Where(t => t.Id == id && t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.RevokedAt, now));
        return revoked == 1 ? Results.NoContent() : Problems.NotFound($"you have no token {id}");
    }
}
