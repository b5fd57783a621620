using System.Security.Claims;
using KataServer.Platform.Data;

namespace KataServer.Web.Infrastructure;

public static class Caller
{
    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The authenticated caller's id (endpoints that call this require authorization).</summary>
    public static string RequiredUserId(this ClaimsPrincipal user) =>
        user.UserId() ?? throw new InvalidOperationException("endpoint reached without an authenticated user");

    /// <summary>
    /// Instructors and admins read every submission; a learner only their own. A screening candidate's submissions are
    /// read through the screening's report (its owner and admins) and by admins here, never by other instructors.
    /// </summary>
    public static bool MayRead(this ClaimsPrincipal user, Submission submission) =>
        submission.UserId == user.UserId() || user.IsInRole(Roles.Admin)
        || (user.IsInRole(Roles.Instructor) && !KataServer.Platform.Screenings.ScreeningSessions.IsCandidateUser(submission.UserId));
}
