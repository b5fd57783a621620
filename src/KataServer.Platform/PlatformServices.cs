using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Platform.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform;

/// <summary>What a host (web or worker) registers to store submissions and grade them.</summary>
public static class PlatformServices
{
    /// <summary>Options, the database and the kata catalogue (enough for the account commands).</summary>
    public static PlatformOptions AddPlatformData(this IServiceCollection services, IConfiguration configuration)
    {
        PlatformOptions options;
        try { options = configuration.GetSection(PlatformOptions.Section).Get<PlatformOptions>() ?? new PlatformOptions(); }
        catch (InvalidOperationException e) { throw PlatformStartupException.Setting($"a setting has a value of the wrong kind: {e.Message}"); }
        if (options.Workers < 0) throw PlatformStartupException.Setting($"KataServer__Workers must be 0 or more (is {options.Workers})");
        if (options.LostJobSweepInterval <= TimeSpan.Zero) throw PlatformStartupException.Setting($"KataServer__LostJobSweepInterval must be above zero (is {options.LostJobSweepInterval})");
        services.AddSingleton(options);
        options.UseConnectionString(configuration.GetConnectionString("KataServer"));

        try { Directory.CreateDirectory(options.FullDataDirectory); }
        catch (Exception e) when (PlatformStartupException.FromStorageFailure(e, options) is { } failure) { throw failure; }
        services.AddDbContextFactory<PlatformDb>(db =>
        {
            if (options.PostgresConnection is { } postgres) PlatformDatabase.UsePostgres(db, postgres);
            else PlatformDatabase.UseSqliteFile(db, options.SqliteDatabasePath);
            // A database that cannot be reached is reported by whoever asked (at start: one line naming the setting), not logged with a stack trace here.
            db.ConfigureWarnings(w => w.Log((RelationalEventId.ConnectionError, LogLevel.Debug)));
        });
        services.AddSingleton<KataLibrary>();
        return options;
    }

    /// <summary>
    /// Before a host serves or grades: migrates the database, opens the job store and loads the katas. A setting that
    /// cannot work or storage that cannot be reached ends here as a <see cref="PlatformStartupException"/> naming the setting.
    /// </summary>
    public static async Task PrepareStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<PlatformOptions>();
        await PlatformDatabase.MigrateAsync(services, cancellationToken);
        try { using (services.GetRequiredService<JobStorage>().GetConnection()) { } }
        catch (Exception e) when (PlatformStartupException.FromStorageFailure(e, options) is { } failure) { throw failure; }

        _ = services.GetRequiredService<KataLibrary>();
    }

    /// <summary>Warnings from the frameworks, information from us (the defaults log every SQL statement).</summary>
    public static ILoggingBuilder UseQuietLogs(this ILoggingBuilder logging) => logging
        .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning)
        .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
        .AddFilter("Hangfire", LogLevel.Warning)
        .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

    /// <summary>The job store, the submission queue and, when <see cref="PlatformOptions.Workers"/> &gt; 0, an in-process Hangfire server.</summary>
    public static void AddPlatformJobs(this IServiceCollection services, PlatformOptions options, Action<BackgroundJobServerOptions>? configureServer = null)
    {
        services.AddHangfire(hangfire =>
        {
            hangfire.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            // Hangfire's defaults (15 s poll, 30 min invisibility) are wrong for us: see ENVIRONMENT.md.
            if (options.PostgresConnection is { } postgres)
            {
                hangfire.UsePostgreSqlStorage(pg => pg.UseNpgsqlConnection(postgres), new PostgreSqlStorageOptions
                {
                    QueuePollInterval = options.QueuePollInterval,
                    // A running job keeps its fetch fresh, so a killed worker's job is handed out again this soon after.
                    UseSlidingInvisibilityTimeout = true,
                    InvisibilityTimeout = options.PostgresInvisibilityTimeout,
                    // NOTIFY on enqueue: a worker starts a job in milliseconds instead of at its next poll.
                    EnableLongPolling = options.PostgresLongPolling,
                });
            }
            else
            {
                hangfire.UseSQLiteStorage(options.SqliteJobStorePath, new SQLiteStorageOptions
                {
                    QueuePollInterval = options.QueuePollInterval,
                    InvisibilityTimeout = options.SqliteInvisibilityTimeout,
                });
            }
        });
        services.AddSingleton<SubmissionQueue>();
        services.AddSingleton<GraderPool>();
        services.AddTransient<GradeSubmissionJob>();
        services.AddSingleton<Screenings.ScreeningSessions>();
        services.AddTransient<Screenings.FinishSessionJob>();
        services.AddTransient<Authoring.ValidateKataJob>();
        services.AddHostedService<GraderWarmUp>();
        services.AddSingleton<LostJobSweep>();
        services.AddHostedService(provider => provider.GetRequiredService<LostJobSweep>());

        if (options.Workers > 0)
        {
            services.AddHangfireServer(server =>
            {
                server.WorkerCount = options.Workers;
                server.Queues = JobQueues.InPriorityOrder;
                // Retries wait at least this long: keep it near the back-off we ask for.
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                configureServer?.Invoke(server);
            });
        }
    }
}
