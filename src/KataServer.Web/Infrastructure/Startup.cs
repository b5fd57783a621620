using KataServer.Platform;
using KataServer.Platform.Jobs;
using KataServer.Web.Accounts;

namespace KataServer.Web.Infrastructure;

public static class Startup
{
    /// <summary>Listens on <paramref name="address"/> unless --urls or ASPNETCORE_URLS says otherwise.</summary>
    public static void UseDefaultAddress(this WebApplicationBuilder builder, string address)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(address);
    }

    /// <summary>Creates and migrates the database, seeds the roles, loads the katas, requeues what a killed host left unfinished.</summary>
    public static async Task PrepareStorageAsync(this WebApplication app)
    {
        await app.Services.PrepareStorageAsync();
        await AccountStore.EnsureRolesAsync(app.Services);
        // Only this process grades on the SQLite default (ENVIRONMENT.md): whatever is in flight now was cut off.
        // On PostgreSQL other workers may be grading right now: sliding invisibility and the heartbeat recover their jobs.
        if (!app.Services.GetRequiredService<PlatformOptions>().IsScaled) await InFlightRecovery.RequeueAsync(app.Services);
    }
}
