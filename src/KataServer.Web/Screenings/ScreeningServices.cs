using KataServer.Platform.Data;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace KataServer.Web.Screenings;

/// <summary>
/// What screenings add to the host: the candidate's own sign-in (a cookie scoped to <c>/api/candidate</c>, never valid on
/// any other endpoint), the interviewer policy, and invitation e-mail when an SMTP server is configured.
/// </summary>
public static class ScreeningServices
{
    public const string CandidateScheme = "Candidate";
    public const string CandidatePolicy = "candidate";
    public const string InterviewerPolicy = "interviewer";
    public const string CandidateCookie = "kataserver.candidate";

    public static void AddScreenings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication().AddCookie(CandidateScheme, cookie =>
        {
            cookie.Cookie.Name = CandidateCookie;
            cookie.Cookie.Path = CandidateEndpoints.Prefix;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.SlidingExpiration = false;
            cookie.Events = new CookieAuthenticationEvents
            {
                OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; },
                OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; },
            };
        });
        services.AddAuthorization(authorization =>
        {
            authorization.AddPolicy(CandidatePolicy, policy => policy.AddAuthenticationSchemes(CandidateScheme).RequireAuthenticatedUser());
            authorization.AddPolicy(InterviewerPolicy, policy => policy.RequireRole(Roles.Instructor, Roles.Admin));
        });
        services.AddSingleton(configuration.GetSection(SmtpSettings.Section).Get<SmtpSettings>() ?? new SmtpSettings());
        services.AddSingleton<InvitationMailer>();
        services.AddSingleton<ScreeningSimilarity>();
    }

    /// <summary>Maps the interviewer's and the candidate's endpoints.</summary>
    public static void MapScreeningEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapInterviewerEndpoints();
        app.MapCandidateEndpoints();
    }
}
