namespace KataServer.Testing.Protocol;

/// <summary>A finding's replay token names its test and its schedule: <c>test@schedule</c>.</summary>
public static class ReplayTokens
{
    public static string Format(string test, string schedule) => $"{test}@{schedule}";

    public static (string Test, string Schedule) Parse(string token)
    {
        var at = token.IndexOf('@');
        if (at <= 0 || at == token.Length - 1)
            throw new FormatException($"'{token}' is not a replay token (expected TEST@SCHEDULE, as printed with a finding)");
        return (token[..at], token[(at + 1)..]);
    }
}
