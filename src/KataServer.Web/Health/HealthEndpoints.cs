using Hangfire;
using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Health;

public static class HealthEndpoints
{
    public sealed record Health(string Status, string Database, string JobStore, int Workers, long Queued);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/health", CheckAsync).WithTags("Operations");

    /// <summary>200 once the database and the job store answer (with the grading workers seen in the last minute), else 503.</summary>
    private static async Task<IResult> CheckAsync(IDbContextFactory<PlatformDb> dbs, JobStorage jobs, ILogger<Health> log, CancellationToken cancellationToken)
    {
        var database = "ok";
        long queued = 0;
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            queued = await db.Submissions.LongCountAsync(s => s.Status == SubmissionStatus.Queued, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "health: database does not answer");
            database = "unavailable";
        }

        var jobStore = "ok";
        var workers = 0;
        try
        {
            var recent = DateTime.UtcNow - TimeSpan.FromMinutes(1);
            workers = jobs.GetMonitoringApi().Servers().Where(s => s.Heartbeat > recent).Sum(s => s.WorkersCount);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "health: job store does not answer");
            jobStore = "unavailable";
        }

        var healthy = database == "ok" && jobStore == "ok";
        return Results.Json(new Health(healthy ? "healthy" : "unhealthy", database, jobStore, workers, queued),
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
