using Microsoft.EntityFrameworkCore;

namespace KataServer.Platform.Data.Authoring;

/// <summary>The authoring tables' mapping (called from <see cref="PlatformDb.OnModelCreating"/>).</summary>
public static class AuthoringModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<AuthoredKata>(k =>
        {
            k.HasKey(x => x.Id);
            k.Property(x => x.Id).HasMaxLength(100);
            k.Property(x => x.CopiedFrom).HasMaxLength(100);
            k.HasIndex(x => x.OwnerId);
            k.HasOne<User>().WithMany().HasForeignKey(x => x.OwnerId);
        });

        builder.Entity<AuthoredKataAuthor>(a =>
        {
            a.HasKey(x => new { x.KataId, x.UserId });
            a.HasIndex(x => x.UserId);
            a.HasOne<AuthoredKata>().WithMany().HasForeignKey(x => x.KataId).OnDelete(DeleteBehavior.Cascade);
            a.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AuthoredKataVersion>(v =>
        {
            v.HasKey(x => new { x.KataId, x.Version });
            v.HasOne<AuthoredKata>().WithMany().HasForeignKey(x => x.KataId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<KataValidationRun>(r =>
        {
            r.HasIndex(x => new { x.KataId, x.CreatedAt });
            r.Property(x => x.Status).HasMaxLength(10);
            r.HasOne<AuthoredKata>().WithMany().HasForeignKey(x => x.KataId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
