namespace KataServer.Platform.Data.Authoring;

/// <summary>
/// A kata made on the platform (not one of the repository's built-in <c>katas/</c>): its working draft and, once
/// published, its versions. The files are stored as the kata's zip (<c>KataArchive.Export</c>, deterministic).
/// </summary>
public sealed class AuthoredKata
{
    /// <summary>The kata id (lowercase words joined by '-'), unique across built-in and authored katas.</summary>
    public string Id { get; set; } = "";
    /// <summary>The author; the only one besides admins who sees its hidden parts.</summary>
    public string OwnerId { get; set; } = "";
    public byte[] Draft { get; set; } = [];
    /// <summary>Goes up by one with every save of the draft: a validation proves one revision.</summary>
    public int DraftRevision { get; set; } = 1;
    public DateTime DraftSavedAt { get; set; }
    /// <summary>The latest draft revision that validated; publishing needs it to equal <see cref="DraftRevision"/>.</summary>
    public int? ValidatedRevision { get; set; }
    /// <summary>The latest published version (0 = never published; learners do not see it).</summary>
    public int LatestVersion { get; set; }
    public string? CopiedFrom { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>
    /// Set when its author removed a published kata: learners no longer see it, its versions stay for the submissions
    /// graded against them (a kata never published is deleted instead).
    /// </summary>
    public DateTime? ArchivedAt { get; set; }
}

/// <summary>
/// Another instructor the kata's owner made one of its authors: sees and edits its hidden parts, validates and publishes
/// it, like the owner. Only the owner and admins add or remove authors, and deleting the kata stays theirs too.
/// </summary>
public sealed class AuthoredKataAuthor
{
    public string KataId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string AddedBy { get; set; } = "";
    public DateTime AddedAt { get; set; }
}

/// <summary>One published version: immutable. Submissions name the version they were graded against.</summary>
public sealed class AuthoredKataVersion
{
    public string KataId { get; set; } = "";
    public int Version { get; set; }
    public byte[] Files { get; set; } = [];
    public Guid ValidationId { get; set; }
    public string PublishedBy { get; set; } = "";
    public DateTime PublishedAt { get; set; }
}

public static class ValidationStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Error = "error";
}

/// <summary>A validation of one draft revision, run as a job on the workers (queue <c>p3-validate</c>).</summary>
public sealed class KataValidationRun
{
    public Guid Id { get; set; }
    public string KataId { get; set; } = "";
    public int DraftRevision { get; set; }
    /// <summary>The files validated (the draft as it was when asked), so a later save cannot change what was proven.</summary>
    public byte[] Files { get; set; } = [];
    public string RequestedBy { get; set; } = "";
    public string Status { get; set; } = ValidationStatus.Queued;
    /// <summary>What the job does now ("mutant lock-new-object"), with <see cref="Done"/> of <see cref="Total"/> gradings.</summary>
    public string Stage { get; set; } = "";
    public int Done { get; set; }
    public int Total { get; set; }
    public bool? Passed { get; set; }
    public string? ReportJson { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}
