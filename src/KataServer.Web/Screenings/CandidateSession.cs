using System.Security.Claims;
using KataServer.Platform.Data;
using KataServer.Platform.Screenings;
using KataServer.Web.Accounts;
using KataServer.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Screenings;

/// <summary>The candidate of the request, resolved and checked by <see cref="CandidateSessionFilter"/>.</summary>
public sealed record CandidateSession(ScreeningCandidate Candidate, Screening Screening)
{
    public const string CandidateClaim = "kataserver:candidate";
    public const string SecretClaim = "kataserver:session";

    public bool HasEnded => Candidate.FinishedAt is not null || Candidate.EndsAt is not { } end || DateTime.UtcNow >= end;

    public bool Offers(string? kata) => kata is not null && Screening.KataIds.Contains(kata);

    public static CandidateSession Of(HttpContext http) =>
        http.Items[typeof(CandidateSession)] as CandidateSession ?? throw new InvalidOperationException("candidate endpoint without the session filter");

    public static ClaimsPrincipal Principal(ScreeningCandidate candidate, string secret) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, candidate.UserId),
        new Claim(ClaimTypes.Name, candidate.Name),
        new Claim(CandidateClaim, candidate.Id.ToString()),
        new Claim(SecretClaim, secret),
    ], ScreeningServices.CandidateScheme));
}

/// <summary>
/// Every candidate endpoint after Start: the cookie's session secret must be the one the started session keeps (only the
/// browser that pressed Start holds it), the invitation must not be revoked, a write must carry the antiforgery header
/// (<c>X-XSRF-TOKEN</c>, value from <c>GET /api/candidate/session</c>), and nothing is written once the session has ended
/// (409). A deadline found passed ends the session here, whether or not the scheduled job has run.
/// </summary>
public sealed class CandidateSessionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var db = http.RequestServices.GetRequiredService<PlatformDb>();
        if (!Guid.TryParse(http.User.FindFirstValue(CandidateSession.CandidateClaim), out var candidateId))
            return Problems.Problem(StatusCodes.Status401Unauthorized, "No candidate session", "open your invitation link and press Start");
        var candidate = await db.ScreeningCandidates.SingleOrDefaultAsync(c => c.Id == candidateId, http.RequestAborted);
        var secret = http.User.FindFirstValue(CandidateSession.SecretClaim) ?? "";
        if (candidate?.SessionHash is null || !string.Equals(candidate.SessionHash, ApiTokens.Hash(secret), StringComparison.Ordinal))
            return Problems.Problem(StatusCodes.Status401Unauthorized, "No candidate session", "this browser holds no running session");
        if (candidate.RevokedAt is not null)
            return Problems.Problem(StatusCodes.Status403Forbidden, "Invitation revoked", "the interviewer revoked this invitation");

        var screening = await db.Screenings.AsNoTracking().SingleAsync(s => s.Id == candidate.ScreeningId, http.RequestAborted);
        await http.RequestServices.GetRequiredService<ScreeningSessions>().EndIfDueAsync(candidate, http.RequestAborted);
        var session = new CandidateSession(candidate, screening);
        http.Items[typeof(CandidateSession)] = session;

        if (!HttpMethods.IsGet(http.Request.Method))
        {
            if (!await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
                return Problems.Problem(StatusCodes.Status400BadRequest, "Missing antiforgery token",
                    $"send the \"xsrf\" value of GET {CandidateEndpoints.Prefix}/session in the {AccountServices.XsrfHeader} header");
            if (session.HasEnded)
                return Problems.Problem(StatusCodes.Status409Conflict, "The session has ended", $"it ended at {candidate.FinishedAt ?? candidate.EndsAt:u}: nothing can be changed any more");
        }

        return await next(context);
    }
}
