namespace KataServer.Platform.Data.Cohorts;

/// <summary>A group of learners an instructor teaches: members join by invite link and work on assigned katas.</summary>
public sealed class Cohort
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string OwnerId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>An invite link for one cohort. Only the SHA-256 of its secret is stored; it stops working at <see cref="ExpiresAt"/>.</summary>
public sealed class CohortInvite
{
    public Guid Id { get; set; }
    public Guid CohortId { get; set; }
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}

public sealed class CohortMember
{
    public Guid CohortId { get; set; }
    public string UserId { get; set; } = "";
    public DateTime JoinedAt { get; set; }
}

public sealed class CohortAssignment
{
    public Guid CohortId { get; set; }
    public string Kata { get; set; } = "";
    public DateTime? DueAt { get; set; }
    public DateTime AssignedAt { get; set; }
}
