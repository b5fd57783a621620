using Microsoft.EntityFrameworkCore;

namespace KataServer.Platform.Data.Cohorts;

/// <summary>The cohort tables' mapping (called from <see cref="PlatformDb.OnModelCreating"/>).</summary>
public static class CohortModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<Cohort>(c =>
        {
            c.Property(x => x.Name).HasMaxLength(200);
            c.HasIndex(x => x.OwnerId);
            c.HasOne<User>().WithMany().HasForeignKey(x => x.OwnerId);
        });

        builder.Entity<CohortInvite>(i =>
        {
            i.HasIndex(x => x.Hash).IsUnique();
            i.HasOne<Cohort>().WithMany().HasForeignKey(x => x.CohortId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CohortMember>(m =>
        {
            m.HasKey(x => new { x.CohortId, x.UserId });
            m.HasIndex(x => x.UserId);
            m.HasOne<Cohort>().WithMany().HasForeignKey(x => x.CohortId).OnDelete(DeleteBehavior.Cascade);
            m.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CohortAssignment>(a =>
        {
            a.HasKey(x => new { x.CohortId, x.Kata });
            a.Property(x => x.Kata).HasMaxLength(100);
            a.HasOne<Cohort>().WithMany().HasForeignKey(x => x.CohortId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
