using System.ComponentModel.DataAnnotations.Schema;

namespace KataServer.Platform.Data;

/// <summary>What a candidate sees of a grading while the session runs.</summary>
public static class FindingsModes
{
    /// <summary>The whole report: findings, interleavings, messages.</summary>
    public const string Full = "full";
    /// <summary>Verdict and pass/fail per test only: no finding text, trace, output or diagnostics of the hidden tests.</summary>
    public const string PassFail = "pass-fail";
    public static readonly string[] All = [Full, PassFail];
}

/// <summary>A screening an interviewer (instructor or admin) set up: which katas, how long, what the candidate sees.</summary>
public sealed class Screening
{
    public Guid Id { get; set; }
    public string OwnerId { get; set; } = "";
    public string Title { get; set; } = "";
    /// <summary>
    /// The katas in the order the candidate sees them, separated by newlines: a built-in kata's id, or an authored kata's
    /// id and the published version the screening pinned (<c>my-counter@2</c>; see <see cref="ScreeningKata"/>).
    /// </summary>
    public string Katas { get; set; } = "";
    public int TimeLimitSeconds { get; set; }
    /// <summary>How long an invitation link stays usable after it was made.</summary>
    public int InvitationValidHours { get; set; }
    public bool HintsAllowed { get; set; }
    public string FindingsShown { get; set; } = FindingsModes.Full;
    public DateTime CreatedAt { get; set; }

    [NotMapped]
    public IReadOnlyList<ScreeningKata> PinnedKatas => Katas.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ScreeningKata.Parse).ToList();

    public IReadOnlyList<string> KataIds => PinnedKatas.Select(k => k.Id).ToList();

    /// <summary>The published version of an authored kata this screening pinned; null for a built-in kata (or one not in it).</summary>
    public int? VersionOf(string kata) => PinnedKatas.FirstOrDefault(k => k.Id == kata)?.Version;
}

/// <summary>
/// A kata of a screening: a built-in kata (no version), or an authored kata pinned to the version that was published when
/// the screening was made, so every candidate gets the same statement, tests and grading even when the author publishes again.
/// </summary>
public sealed record ScreeningKata(string Id, int? Version)
{
    public static ScreeningKata Parse(string stored)
    {
        var at = stored.LastIndexOf('@');
        return at > 0 && int.TryParse(stored.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? new ScreeningKata(stored[..at], version)
            : new ScreeningKata(stored, null);
    }

    public override string ToString() => Version is { } v ? $"{Id}@{v}" : Id;
}

/// <summary>
/// One candidate of a screening: the invitation (only the SHA-256 of its link secret is kept) and, once started, the
/// session (its clock is kept here). <see cref="UserId"/> names an account row that cannot sign in: it owns the
/// candidate's submissions and hint reveals so the grading pipeline serves candidates unchanged.
/// </summary>
public sealed class ScreeningCandidate
{
    public Guid Id { get; set; }
    public Guid ScreeningId { get; set; }
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public string InvitationHash { get; set; } = "";
    public DateTime InvitedAt { get; set; }
    public DateTime InvitationExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>When the invitation e-mail was handed to the SMTP server (null: the link was shown to copy).</summary>
    public DateTime? EmailedAt { get; set; }
    /// <summary>The SHA-256 of the session secret held by the browser that pressed Start (in its candidate cookie).</summary>
    public string? SessionHash { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? EndsAt { get; set; }
    /// <summary>Set once, when the session ended (time ran out, the candidate finished, or the interviewer revoked it).</summary>
    public DateTime? FinishedAt { get; set; }
    public string? FinishedBecause { get; set; }
    public string? FinishJobId { get; set; }
}

public static class SnapshotKinds
{
    public const string Autosave = "autosave";
    public const string Run = "run";
    public const string Submit = "submit";
    /// <summary>The last code of a kata, submitted automatically when the session ended.</summary>
    public const string Final = "final";
}

/// <summary>The candidate's code of one kata at one moment: at every run and submit, and at each autosave that changed it.</summary>
public sealed class CodeSnapshot
{
    public long Id { get; set; }
    public Guid CandidateId { get; set; }
    public string Kata { get; set; } = "";
    public string Kind { get; set; } = SnapshotKinds.Autosave;
    public string Code { get; set; } = "";
    /// <summary>
    /// Large inserts the editor reported since the previous snapshot (characters pasted at once), as "line-endLine:chars"
    /// items separated by ';': the lines of this snapshot's code the pasted text covers, and its length. (Before the range
    /// was kept, an item was "line:chars": the first line only.)
    /// </summary>
    public string? Pastes { get; set; }
    public Guid? SubmissionId { get; set; }
    public DateTime CreatedAt { get; set; }
}
