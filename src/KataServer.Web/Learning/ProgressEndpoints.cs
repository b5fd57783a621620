using KataServer.Grading.Reports;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Learning;

public static class ProgressEndpoints
{
    public sealed record KataProgress(string Kata, string Status, int? BestScore, int Attempts);

    public static void MapProgressEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/progress", ProgressAsync).WithTags("Learning").RequireAuthorization();

    /// <summary>The caller's standing on every kata, in learning-path order: solved once a submit passed, attempted once submitted.</summary>
    private static async Task<IResult> ProgressAsync(HttpContext http, KataLibrary katas, PlatformDb db)
    {
        var userId = http.User.RequiredUserId();
        var submits = await db.Submissions.AsNoTracking()
            .Where(s => s.UserId == userId && s.Mode == SubmissionModes.Submit)
            .Select(s => new { s.Kata, s.Status, s.Verdict, s.Score })
            .ToListAsync();
        var byKata = submits.ToLookup(s => s.Kata);
        return Results.Ok(katas.Katas.Select(k =>
        {
            var mine = byKata[k.Id].ToList();
            var status = mine.Any(s => s.Verdict == Verdicts.Passed) ? "solved" : mine.Count > 0 ? "attempted" : "new";
            return new KataProgress(k.Id, status, mine.Where(s => s.Score is not null).Max(s => s.Score), mine.Count);
        }));
    }
}
