using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KataServer.Platform.Data;

/// <summary>The application database: Identity's tables, submissions with their results, progress events, tokens, and the
/// data-protection keys that sign cookies (in the database so that every web host on it accepts the others' cookies).</summary>
public sealed class PlatformDb(DbContextOptions<PlatformDb> options) : IdentityDbContext<User, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Submission> Submissions => Set<Submission>();
    public DbSet<SubmissionEvent> SubmissionEvents => Set<SubmissionEvent>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<HintReveal> HintReveals => Set<HintReveal>();
    public DbSet<Draft> Drafts => Set<Draft>();
    public DbSet<Screening> Screenings => Set<Screening>();
    public DbSet<ScreeningCandidate> ScreeningCandidates => Set<ScreeningCandidate>();
    public DbSet<CodeSnapshot> CodeSnapshots => Set<CodeSnapshot>();
    public DbSet<Data.Authoring.AuthoredKata> AuthoredKatas => Set<Data.Authoring.AuthoredKata>();
    public DbSet<Data.Authoring.AuthoredKataAuthor> AuthoredKataAuthors => Set<Data.Authoring.AuthoredKataAuthor>();
    public DbSet<Data.Authoring.AuthoredKataVersion> AuthoredKataVersions => Set<Data.Authoring.AuthoredKataVersion>();
    public DbSet<Data.Authoring.KataValidationRun> KataValidations => Set<Data.Authoring.KataValidationRun>();
    public DbSet<Data.Cohorts.Cohort> Cohorts => Set<Data.Cohorts.Cohort>();
    public DbSet<Data.Cohorts.CohortInvite> CohortInvites => Set<Data.Cohorts.CohortInvite>();
    public DbSet<Data.Cohorts.CohortMember> CohortMembers => Set<Data.Cohorts.CohortMember>();
    public DbSet<Data.Cohorts.CohortAssignment> CohortAssignments => Set<Data.Cohorts.CohortAssignment>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // Every time is stored in UTC; SQLite gives back no kind, so say so (the API then writes "...Z").
        configuration.Properties<DateTime>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<User>().Property(u => u.DisplayName).HasMaxLength(100);

        builder.Entity<Submission>(s =>
        {
            s.HasIndex(x => new { x.UserId, x.Kata, x.CreatedAt });
            s.HasIndex(x => x.Status);
            s.HasIndex(x => new { x.UserId, x.IdempotencyKey }).IsUnique();
            s.Property(x => x.Kata).HasMaxLength(100);
            s.Property(x => x.Mode).HasMaxLength(10);
            s.Property(x => x.Status).HasMaxLength(10);
            s.Property(x => x.IdempotencyKey).HasMaxLength(200);
            s.HasOne<User>().WithMany().HasForeignKey(x => x.UserId);
        });

        builder.Entity<SubmissionEvent>(e =>
        {
            e.HasIndex(x => new { x.SubmissionId, x.Id });
            e.HasOne<Submission>().WithMany().HasForeignKey(x => x.SubmissionId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApiToken>(t =>
        {
            t.HasIndex(x => x.Hash).IsUnique();
            t.HasIndex(x => x.UserId);
            t.Property(x => x.Name).HasMaxLength(100);
            t.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<HintReveal>(h =>
        {
            h.HasIndex(x => new { x.UserId, x.Kata, x.Index }).IsUnique();
            h.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Draft>(d =>
        {
            d.HasKey(x => new { x.UserId, x.Kata });
            d.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        ScreeningModel.Configure(builder);
        Data.Authoring.AuthoringModel.Configure(builder);
        Data.Cohorts.CohortModel.Configure(builder);
    }
}
