using Microsoft.EntityFrameworkCore;

namespace KataServer.Platform.Data;

/// <summary>The screening tables' keys, indexes and lengths (called from <see cref="PlatformDb"/>).</summary>
internal static class ScreeningModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<Screening>(s =>
        {
            s.HasIndex(x => x.OwnerId);
            s.Property(x => x.Title).HasMaxLength(200);
            s.Property(x => x.Katas).HasMaxLength(2000);
            s.Property(x => x.FindingsShown).HasMaxLength(20);
            s.HasOne<User>().WithMany().HasForeignKey(x => x.OwnerId);
        });

        builder.Entity<ScreeningCandidate>(c =>
        {
            c.HasIndex(x => x.InvitationHash).IsUnique();
            c.HasIndex(x => x.ScreeningId);
            c.HasIndex(x => x.UserId).IsUnique();
            c.Property(x => x.Name).HasMaxLength(200);
            c.Property(x => x.Email).HasMaxLength(256);
            c.Property(x => x.FinishedBecause).HasMaxLength(50);
            c.HasOne<Screening>().WithMany().HasForeignKey(x => x.ScreeningId).OnDelete(DeleteBehavior.Cascade);
            c.HasOne<User>().WithMany().HasForeignKey(x => x.UserId);
        });

        builder.Entity<CodeSnapshot>(s =>
        {
            s.HasIndex(x => new { x.CandidateId, x.Kata, x.Id });
            s.Property(x => x.Kata).HasMaxLength(100);
            s.Property(x => x.Kind).HasMaxLength(10);
            s.Property(x => x.Pastes).HasMaxLength(4000);
            s.HasOne<ScreeningCandidate>().WithMany().HasForeignKey(x => x.CandidateId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
