using System.Globalization;
using System.Threading.RateLimiting;
using KataServer.Platform;
using Microsoft.AspNetCore.RateLimiting;

namespace KataServer.Web.Infrastructure;

/// <summary>Per-user limits (ASP.NET Core rate limiting): 429 ProblemDetails with Retry-After.</summary>
public static class RateLimits
{
    public const string Submissions = "submissions";
    public const string Diagnostics = "diagnostics";
    public const string SignIn = "sign-in";

    public static void AddApiRateLimits(this IServiceCollection services, PlatformOptions options)
    {
        services.AddRateLimiter(limits =>
        {
            limits.AddPolicy(Submissions, http => PerCaller(http, options.SubmissionsPerMinute));
            limits.AddPolicy(Diagnostics, http => PerCaller(http, options.DiagnosticsPerMinute));
            limits.AddPolicy(SignIn, http => PerCaller(http, 20));
            limits.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                await TooManyAsync(context.HttpContext, retryAfter, "You sent too many requests in a short time.");
            };
        });
    }

    /// <summary>Writes a 429 with Retry-After (whole seconds, at least 1).</summary>
    public static async Task TooManyAsync(HttpContext http, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = 429, Title = "Too many requests", Detail = $"{detail} Try again in {seconds} s." },
        });
    }

    private static RateLimitPartition<string> PerCaller(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.User.UserId() ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
