using System.Security.Claims;
using KataServer.Platform.Data;
using KataServer.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace KataServer.Web.Accounts;

public static class AuthEndpoints
{
    public sealed record SignUpRequest(string? Email, string? Password, string? DisplayName);
    public sealed record SignInRequest(string? Email, string? Password);
    public sealed record Me(string Email, string DisplayName, IReadOnlyList<string> Roles);

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Accounts");
        auth.MapPost("/signup", SignUpAsync).RequireRateLimiting(RateLimits.SignIn);
        auth.MapPost("/signin", SignInAsync).RequireRateLimiting(RateLimits.SignIn);
        auth.MapPost("/signout", SignOutAsync);
        auth.MapGet("/me", MeAsync);
    }

    private static async Task<IResult> SignUpAsync(SignUpRequest body, UserManager<User> users, SignInManager<User> signIn, HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["email and password are required"] }, title: "Cannot sign up");
        var (user, errors) = await AccountStore.CreateUserAsync(users, body.Email.Trim(), body.Password, Roles.Learner, body.DisplayName);
        if (user is null)
        {
            return Results.ValidationProblem(
                errors.GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email")
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()),
                title: "Cannot sign up");
        }

        return await SignedInAsync(user, users, signIn, http);
    }

    private static async Task<IResult> SignInAsync(SignInRequest body, UserManager<User> users, SignInManager<User> signIn, HttpContext http)
    {
        var user = string.IsNullOrWhiteSpace(body.Email) ? null : await users.FindByEmailAsync(body.Email.Trim());
        if (user is null || string.IsNullOrEmpty(body.Password))
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Wrong email or password");

        var result = await signIn.CheckPasswordSignInAsync(user, body.Password, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            var end = await users.GetLockoutEndDateAsync(user);
            return Results.Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked",
                detail: $"Too many failed sign-ins: try again after {end:u}.",
                extensions: new Dictionary<string, object?> { ["lockoutEnd"] = end });
        }

        if (!result.Succeeded) return Problems.Problem(StatusCodes.Status401Unauthorized, "Wrong email or password");
        return await SignedInAsync(user, users, signIn, http);
    }

    private static async Task<IResult> SignedInAsync(User user, UserManager<User> users, SignInManager<User> signIn, HttpContext http)
    {
        await signIn.SignInAsync(user, isPersistent: true);
        // The antiforgery token is bound to the user: issue it for the user just signed in.
        http.User = await signIn.CreateUserPrincipalAsync(user);
        AccountServices.IssueXsrfCookie(http);
        return Results.Ok(new Me(user.Email!, user.DisplayName, (await users.GetRolesAsync(user)).ToList()));
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, ILogger<Me> log)
    {
        log.LogDebug("sign-out");
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        return Results.NoContent();
    }

    private static async Task<IResult> MeAsync(HttpContext http, UserManager<User> users)
    {
        AccountServices.IssueXsrfCookie(http);
        var user = http.User.Identity?.IsAuthenticated == true ? await users.GetUserAsync(http.User) : null;
        if (user is null) return Problems.Problem(StatusCodes.Status401Unauthorized, "Not signed in");
        return Results.Ok(new Me(user.Email!, user.DisplayName, http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList()));
    }
}
