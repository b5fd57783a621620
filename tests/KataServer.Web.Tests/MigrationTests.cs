using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Tests;

/// <summary>Both providers' migrations cover the model: a change to the entities without
/// <c>src/KataServer.Platform/scripts/add-migration.sh NAME</c> fails here, not on a user's first start.</summary>
public sealed class MigrationTests
{
    [Fact]
    public void The_SQLite_migrations_cover_the_model()
    {
        var builder = new DbContextOptionsBuilder<PlatformDb>().UseSqlite("Data Source=:memory:");
        using var db = new PlatformDb(builder.Options);
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no SQLite migration covers: run add-migration.sh");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void The_PostgreSQL_migrations_cover_the_model()
    {
        var builder = new DbContextOptionsBuilder<PlatformDb>();
        // No server is contacted: the model is compared with the migrations' snapshot.
        PlatformDatabase.UsePostgres(builder, "Host=127.0.0.1;Database=unused");
        using var db = new PlatformDb(builder.Options);
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no PostgreSQL migration covers: run add-migration.sh");
        Assert.Equal(
            db.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]),
            SqliteMigrationNames());
    }

    private static IEnumerable<string> SqliteMigrationNames()
    {
        using var db = new PlatformDb(new DbContextOptionsBuilder<PlatformDb>().UseSqlite("Data Source=:memory:").Options);
        return db.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]).ToList();
    }
}
