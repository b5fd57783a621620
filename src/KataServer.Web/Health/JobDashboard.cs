using Hangfire;
using KataServer.Platform.Data;

namespace KataServer.Web.Health;

/// <summary>Hangfire's dashboard at /hangfire, for admins only (401 signed out, 403 for other roles).</summary>
public static class JobDashboard
{
    public const string Path = "/hangfire";
    public const string AdminPolicy = "admin";

    public static void AddJobDashboardPolicy(this IServiceCollection services) =>
        services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin));

    public static void MapJobDashboard(this IEndpointRouteBuilder app) =>
        app.MapHangfireDashboardWithAuthorizationPolicy(AdminPolicy, Path, new DashboardOptions { DisplayStorageConnectionString = false });
}
