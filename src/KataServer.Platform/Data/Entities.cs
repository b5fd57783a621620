using Microsoft.AspNetCore.Identity;

namespace KataServer.Platform.Data;

public sealed class User : IdentityUser
{
    public string DisplayName { get; set; } = "";
}

public static class Roles
{
    public const string Learner = "learner";
    public const string Instructor = "instructor";
    public const string Admin = "admin";
    public static readonly string[] All = [Learner, Instructor, Admin];
}

public static class SubmissionModes
{
    public const string Submit = "submit";
    public const string Run = "run";
    public const string Replay = "replay";
    public static readonly string[] All = [Submit, Run, Replay];
}

public static class SubmissionStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Error = "error";
}

/// <summary>One submission and, once graded, its one stored result (the row is the upsert target).</summary>
public sealed class Submission
{
    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string Kata { get; set; } = "";
    /// <summary>The published version of an authored kata it was graded against; null for a built-in kata.</summary>
    public int? KataVersion { get; set; }
    public string Mode { get; set; } = SubmissionModes.Submit;
    public string Code { get; set; } = "";
    public string? ReplayToken { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>Its number among the user's submits of the kata; null for run and replay.</summary>
    public int? Attempt { get; set; }
    public string Status { get; set; } = SubmissionStatus.Queued;
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    /// <summary>Written every few seconds while a worker grades it: a stale heartbeat means the worker died.</summary>
    public DateTime? HeartbeatAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>How many times a worker started grading it (the first run and each retry).</summary>
    public int GradingRuns { get; set; }
    public string? JobId { get; set; }
    public string? Verdict { get; set; }
    public int? Score { get; set; }
    /// <summary>The grade report, exactly as <c>kata grade --json</c> prints it.</summary>
    public string? ReportJson { get; set; }
    /// <summary>Why grading ended in error, or the last infrastructure failure before a retry.</summary>
    public string? Error { get; set; }
}

/// <summary>A progress step of a grading, written by whichever process grades and read by whichever serves the stream.</summary>
public sealed class SubmissionEvent
{
    public long Id { get; set; }
    public Guid SubmissionId { get; set; }
    public string Stage { get; set; } = "";
    public string Message { get; set; } = "";
    public long? Done { get; set; }
    public long? Total { get; set; }
    public string? Test { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A personal API token: only the SHA-256 of the secret is stored.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

public sealed class HintReveal
{
    public long Id { get; set; }
    public string UserId { get; set; } = "";
    public string Kata { get; set; } = "";
    public int Index { get; set; }
    public DateTime RevealedAt { get; set; }
}

public sealed class Draft
{
    public string UserId { get; set; } = "";
    public string Kata { get; set; } = "";
    public string Code { get; set; } = "";
    public DateTime SavedAt { get; set; }
}
