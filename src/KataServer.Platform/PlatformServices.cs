using Hangfire;
using Hangfire.Storage.SQLite;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Platform.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KataServer.Platform;

/// <summary>What a host (web or worker) registers to store submissions and grade them.</summary>
public static class PlatformServices
{
    /// <summary>Options, the database and the kata catalogue (enough for the account commands).</summary>
    public static PlatformOptions AddPlatformData(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(PlatformOptions.Section).Get<PlatformOptions>() ?? new PlatformOptions();
        if (options.Workers < 0) throw new InvalidOperationException($"KataServer__Workers must be 0 or more (is {options.Workers})");
        services.AddSingleton(options);
        var connection = configuration.GetConnectionString("KataServer");
        if (PlatformOptions.IsPostgres(connection))
        {
            throw new InvalidOperationException(
                "ConnectionStrings__KataServer names a PostgreSQL server, but this build supports only the embedded SQLite default: unset it to use "
                + options.SqliteDatabasePath);
        }

        Directory.CreateDirectory(options.FullDataDirectory);
        services.AddDbContextFactory<PlatformDb>(db => PlatformDatabase.UseSqliteFile(db, options.SqliteDatabasePath));
        services.AddSingleton<KataLibrary>();
        return options;
    }

    /// <summary>The job store, the submission queue and, when <see cref="PlatformOptions.Workers"/> &gt; 0, an in-process Hangfire server.</summary>
    public static void AddPlatformJobs(this IServiceCollection services, PlatformOptions options)
    {
        services.AddHangfire(hangfire => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseSQLiteStorage(options.SqliteJobStorePath, new SQLiteStorageOptions
            {
                // Hangfire's defaults (15 s poll, 30 min invisibility) are wrong for us: see ENVIRONMENT.md.
                QueuePollInterval = options.QueuePollInterval,
                InvisibilityTimeout = options.SqliteInvisibilityTimeout,
            }));
        services.AddSingleton<SubmissionQueue>();
        services.AddSingleton<GraderPool>();
        services.AddTransient<GradeSubmissionJob>();
        services.AddTransient<Authoring.ValidateKataJob>();
        services.AddHostedService<GraderWarmUp>();

        if (options.Workers > 0)
        {
            services.AddHangfireServer(server =>
            {
                server.WorkerCount = options.Workers;
                server.Queues = JobQueues.InPriorityOrder;
                // Retries wait at least this long: keep it near the back-off we ask for.
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        }
    }
}
