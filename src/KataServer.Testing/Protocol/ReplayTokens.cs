namespace KataServer.Testing.Protocol;

/// <summary>
/// A finding's replay token names its test, the grade's <see cref="TestData"/> seed and its schedule:
/// <c>test@d&lt;seed in hex&gt;.schedule</c> (a schedule alone, <c>test@schedule</c>, replays with seed 0).
/// </summary>
public static class ReplayTokens
{
    private const char DataSeedMark = 'd';

    public static string Format(string test, string schedule) => $"{test}@{schedule}";

    public static string Format(string test, ulong dataSeed, string schedule) => $"{test}@{DataSeedMark}{dataSeed:x}.{schedule}";

    public static (string Test, string Schedule) Parse(string token)
    {
        var at = token.IndexOf('@');
        if (at <= 0 || at == token.Length - 1)
            throw new FormatException($"'{token}' is not a replay token (expected TEST@SCHEDULE, as printed with a finding)");
        return (token[..at], token[(at + 1)..]);
    }

    /// <summary>Splits the schedule part of a token into the data seed it carries (0 when none) and the engine's schedule.</summary>
    public static (ulong DataSeed, string Schedule) SplitDataSeed(string schedule)
    {
        var dot = schedule.IndexOf('.');
        if (schedule.Length > 2 && schedule[0] == DataSeedMark && dot > 1
            && ulong.TryParse(schedule.AsSpan(1, dot - 1), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var seed))
            return (seed, schedule[(dot + 1)..]);
        return (0, schedule);
    }
}
