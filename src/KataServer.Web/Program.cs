using KataServer.Grading.Sandbox;
using KataServer.Platform;
using KataServer.Web.Accounts;
using KataServer.Web.Authoring;
using KataServer.Web.Cohorts;
using KataServer.Web.Health;
using KataServer.Web.Infrastructure;
using KataServer.Web.Katas;
using KataServer.Web.Learning;
using KataServer.Web.Screenings;
using KataServer.Web.Submissions;

// `users add` / `tokens create` work on the configured database without starting the server.
if (AccountCommands.Handles(args)) return await AccountCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultAddress("http://127.0.0.1:5917");
builder.Logging.UseQuietLogs();

PlatformOptions platform;
try { platform = builder.Services.AddPlatformData(builder.Configuration); }
catch (PlatformStartupException misconfigured) { return misconfigured.Report(); }
// Strangers' code runs only inside the full sandbox: without it this host refuses to start grading.
if (platform.WhyGradingCannotStart(SandboxCapabilities.Detect()) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 4;
}
builder.Services.AddPlatformJobs(platform);
builder.Services.AddAccounts(platform);
builder.Services.AddScreenings(builder.Configuration);
builder.Services.AddJobDashboardPolicy();
builder.Services.AddApiProblems();
builder.Services.AddApiRateLimits(platform);
builder.Services.AddOpenApi();

var app = builder.Build();
// A database that cannot be reached or written stops the host here with one line naming the setting (exit 2 or 3).
try { await app.PrepareStorageAsync(); }
catch (PlatformStartupException unavailable) { return unavailable.Report(); }

app.UseApiProblems();
app.UseAuthentication();
app.UseAuthorization();
app.UseCookieAntiforgery();
app.UseRateLimiter();

app.MapOpenApi();
app.MapHealthEndpoints();
app.MapJobDashboard();
app.MapAuthEndpoints();
app.MapTokenEndpoints();
app.MapKataEndpoints();
app.MapSubmissionEndpoints();
app.MapProgressEndpoints();
app.MapDiagnosticsEndpoints();
app.MapScreeningEndpoints();
app.MapAuthoringEndpoints();
app.MapCohortEndpoints();
app.MapWebFrontEnd();

await app.RunAsync();
return 0;
