using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace KataServer.Platform.Data;

public static class PlatformDatabase
{
    /// <summary>
    /// Creates the data folder and the database, applies the migrations in this assembly. A database that cannot be
    /// reached or written ends as a <see cref="PlatformStartupException"/> naming the setting.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<PlatformOptions>();
        try { await MigrateOrThrowAsync(services, options, cancellationToken); }
        catch (Exception e) when (PlatformStartupException.FromStorageFailure(e, options) is { } failure) { throw failure; }
    }

    private static async Task MigrateOrThrowAsync(IServiceProvider services, PlatformOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.FullDataDirectory);
        await using var db = await services.GetRequiredService<IDbContextFactory<PlatformDb>>().CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // Readers (the event streams) never block the grader's writes, and a writer waits instead of failing.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>The assembly holding the PostgreSQL migrations (the SQLite ones are in this assembly's Data/Migrations).</summary>
    public const string PostgresMigrationsAssembly = "KataServer.Platform.PostgreSql";

    public static void UsePostgres(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly));

    internal static void UseSqliteFile(DbContextOptionsBuilder builder, string path) =>
        builder.UseSqlite($"Data Source={path};Default Timeout=30");
}

/// <summary>For <c>dotnet ef migrations add</c>: the SQLite model (the migrations in this assembly are SQLite's).</summary>
internal sealed class DesignTimePlatformDbFactory : IDesignTimeDbContextFactory<PlatformDb>
{
    public PlatformDb CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PlatformDb>();
        PlatformDatabase.UseSqliteFile(builder, Path.Combine(Path.GetTempPath(), "kataserver-design.db"));
        return new PlatformDb(builder.Options);
    }
}
