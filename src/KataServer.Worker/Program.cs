using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using KataServer.Grading.Sandbox;
using KataServer.Platform;
using KataServer.Worker;

// A grading-only host: takes grading jobs from the PostgreSQL job store shared with the web host and grades them with
// the same GradeSubmissionJob. Exit codes: WorkerExit (0 stopped, 2 misconfigured, 3 database unreachable, 4 no sandbox, 75 recycle me).
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.UseQuietLogs();

PlatformOptions platform;
try
{
    platform = builder.Services.AddPlatformData(builder.Configuration);
}
catch (PlatformStartupException badSetting)
{
    return badSetting.Report();
}

if (WorkerExit.WhyNotScaled(platform) is { } misconfigured)
{
    Console.Error.WriteLine(misconfigured);
    return WorkerExit.Misconfigured;
}

// Strangers' code runs only inside the full sandbox.
if (platform.WhyGradingCannotStart(SandboxCapabilities.Detect()) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return WorkerExit.NoSandbox;
}

builder.Services.AddPlatformJobs(platform, RecycleOnRunawayCompile.LetRunningGradesFinish);
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = RecycleOnRunawayCompile.GracePeriod);
builder.Services.AddHostedService<RecycleOnRunawayCompile>();

using var host = builder.Build();
// A database that cannot be reached stops the worker here with one line naming the setting (WorkerExit.StorageUnavailable).
try { await host.Services.PrepareStorageAsync(); }
catch (PlatformStartupException unavailable) { return unavailable.Report(); }
await host.RunAsync();
return Environment.ExitCode;
