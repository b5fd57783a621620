using KataServer.Scheduling;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// A finding's replay token (<c>TEST@SCHEDULE</c>), checked before anything runs so that every host (the CLI, the
/// server) refuses a bad one the same way: a corrupt token or one naming a test the kata lacks is the caller's
/// mistake, never a crash of the submission.
/// </summary>
public sealed record ReplayTarget(string Test, string Schedule)
{
    public const string CorruptMessage = "this replay token is corrupt";

    /// <summary>What a replay that ended without a finding means (the learner's code no longer fails there).</summary>
    public const string NoLongerFailsMessage = "this interleaving no longer fails; grade the file for a verdict";

    /// <summary>What a replay that diverged means: the file no longer takes the steps the token recorded.</summary>
    public const string NoLongerFitsMessage =
        "this interleaving no longer fits the file (its code takes other steps than when the token was printed); grade the file for a verdict";

    /// <summary>A finding that only says the replay diverged from the recorded steps.</summary>
    public static bool IsDivergence(FindingData finding) =>
        finding.Kind == FindingKind.Uncontrolled.ToWireName() && finding.Message == ScheduleExplorer.ReplayDivergedMessage;

    /// <summary>Parses and decodes a token as printed with a finding; throws <see cref="InvalidReplayException"/>.</summary>
    public static ReplayTarget Parse(string token)
    {
        (string Test, string Schedule) parts;
        try { parts = ReplayTokens.Parse(token.Trim()); }
        catch (FormatException) { throw Corrupt("expected TEST@SCHEDULE"); }
        CheckSchedule(parts.Schedule);
        return new ReplayTarget(parts.Test, parts.Schedule);
    }

    /// <summary>Checks that a schedule decodes (its strategy name is informational: a replay follows its choices).</summary>
    public static void CheckSchedule(string schedule)
    {
        // A runner token carries the grade's TestData seed before the engine's schedule (d<seed>.ks1...).
        try { ReplayToken.Decode(ReplayTokens.SplitDataSeed(schedule).Schedule); }
        catch (FormatException e) { throw Corrupt(Detail(e.Message)); }
        catch (OverflowException) { throw Corrupt("a number in it is out of range"); }
    }

    // "Corrupt replay token (not base64url)." -> "not base64url"
    private static string Detail(string message)
    {
        string detail = message.TrimEnd('.');
        const string prefix = "Corrupt replay token";
        if (!detail.StartsWith(prefix, StringComparison.Ordinal)) return detail;
        detail = detail[prefix.Length..].Trim().TrimStart('(').TrimEnd(')');
        return detail.Length > 0 ? detail : "it ends before its last choice (was it cut short when copied?)";
    }

    /// <summary>Checks that the token's test is one of the kata's hidden tests.</summary>
    public static void CheckTest(string kata, string test, IReadOnlyCollection<string> tests)
    {
        if (!tests.Contains(test))
            throw new InvalidReplayException($"this replay token names the test '{Shorten(test)}', which kata '{kata}' does not have " +
                $"(its tests: {string.Join(", ", tests)}); was it printed for another kata?");
    }

    private static InvalidReplayException Corrupt(string detail) =>
        new($"{CorruptMessage}: {detail}. Copy the whole value after 'replay:' in the report (TEST@d…ks1... or TEST@d…ks2...).");

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>A replay request the grader refuses before running anything (bad input, not the submission's fault).</summary>
public sealed class InvalidReplayException(string message) : ArgumentException(message);
