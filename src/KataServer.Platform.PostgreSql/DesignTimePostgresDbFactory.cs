using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace KataServer.Platform.PostgreSql;

/// <summary>For <c>dotnet ef migrations add</c> in this project: the PostgreSQL model. No server is contacted to add a migration.</summary>
internal sealed class DesignTimePostgresDbFactory : IDesignTimeDbContextFactory<PlatformDb>
{
    public PlatformDb CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PlatformDb>();
        PlatformDatabase.UsePostgres(builder, "Host=localhost;Database=kataserver-design");
        return new PlatformDb(builder.Options);
    }
}
