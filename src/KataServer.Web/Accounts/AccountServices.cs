using KataServer.Platform;
using KataServer.Platform.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace KataServer.Web.Accounts;

/// <summary>Cookie sign-in for the browser, bearer tokens for scripts, antiforgery on cookie-authenticated writes.</summary>
public static class AccountServices
{
    private const string CookieOrToken = "cookie-or-token";
    public const string XsrfCookie = "XSRF-TOKEN";
    public const string XsrfHeader = "X-XSRF-TOKEN";

    public static void AddAccounts(this IServiceCollection services, PlatformOptions options)
    {
        // Sign-in cookies and antiforgery tokens stay valid across restarts and on every web host of one database: keep their
        // keys in it, under one application name (by default it is the content root, which differs between installations).
        services.AddDataProtection().SetApplicationName("KataServer").PersistKeysToDbContext<PlatformDb>();
        services.AddAccountStore().AddSignInManager();
        services.AddAuthentication(auth =>
            {
                auth.DefaultScheme = CookieOrToken;
                auth.DefaultChallengeScheme = CookieOrToken;
            })
            .AddPolicyScheme(CookieOrToken, null, policy => policy.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthentication.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddCookie(IdentityConstants.ApplicationScheme, cookie =>
            {
                cookie.Cookie.Name = "kataserver.auth";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
                cookie.SlidingExpiration = true;
                // An API answers 401/403, it does not redirect to a login page.
                cookie.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                cookie.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = XsrfHeader;
            antiforgery.Cookie.Name = "kataserver.antiforgery";
        });
    }

    /// <summary>
    /// POST/PUT/PATCH/DELETE by a cookie-signed-in browser must carry the X-XSRF-TOKEN header (the value of the
    /// JS-readable XSRF-TOKEN cookie): another site can make the browser send the cookie, not read it.
    /// </summary>
    public static void UseCookieAntiforgery(this WebApplication app) => app.Use(async (http, next) =>
    {
        var method = http.Request.Method;
        var writes = HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
        var byCookie = http.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == IdentityConstants.ApplicationScheme);
        // The Hangfire dashboard checks its own antiforgery token (ASP.NET Core's, in its forms).
        var dashboard = http.Request.Path.StartsWithSegments(Health.JobDashboard.Path);
        if (writes && byCookie && !dashboard)
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = 400, Title = "Missing antiforgery token",
                        Detail = $"A signed-in browser must send the {XsrfCookie} cookie's value in the {XsrfHeader} header (GET /api/auth/me sets the cookie).",
                    },
                });
                return;
            }
        }

        await next(http);
    });

    /// <summary>Sets the JS-readable XSRF-TOKEN cookie for the user now on <paramref name="http"/>.</summary>
    public static void IssueXsrfCookie(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        http.Response.Cookies.Append(XsrfCookie, tokens.RequestToken!, new CookieOptions { HttpOnly = false, SameSite = SameSiteMode.Strict, Path = "/" });
    }
}
