using System.Security.Claims;
using System.Text.Encodings.Web;
using KataServer.Platform.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KataServer.Web.Accounts;

/// <summary><c>Authorization: Bearer TOKEN</c> with a personal API token that is not revoked.</summary>
public sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PlatformDb db, UserManager<User> users, IUserClaimsPrincipalFactory<User> principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length is 0 or > 200) return AuthenticateResult.Fail("malformed token");

        var hash = ApiTokens.Hash(secret);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Hash == hash && t.RevokedAt == null, Context.RequestAborted);
        if (token is null) return AuthenticateResult.Fail("unknown or revoked token");
        var user = await users.FindByIdAsync(token.UserId);
        if (user is null) return AuthenticateResult.Fail("the token's user no longer exists");

        var now = DateTime.UtcNow;
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(Context.RequestAborted);
        }

        // Same claims as a cookie sign-in, under this scheme's name (the antiforgery check tells them apart by it).
        var claims = (await principals.CreateAsync(user)).Claims;
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
