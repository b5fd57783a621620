namespace KataServer.Testing;

/// <summary>What kind of problem a finding reports. The wire names (kebab-case) are a stable public format.</summary>
public enum FindingKind
{
    Deadlock,
    LostUpdate,
    Invariant,
    NotLinearizable,
    Hang,
    Exception,
    Assertion,
    Timeout,
    Policy,
    Compile,
    Crash,
    Uncontrolled,
    DataRace,
    /// <summary>The run's report could not be trusted (forged, incomplete or out-of-range results): never a pass.</summary>
    Integrity,

    /// <summary>The test's threads never ran at the same time: the code made them run one after another (by sleeping, say), so the test could not judge it.</summary>
    Serialized,
}

public static class FindingKindNames
{
    private static readonly Dictionary<FindingKind, string> Names = new()
    {
        [FindingKind.Deadlock] = "deadlock",
        [FindingKind.LostUpdate] = "lost-update",
        [FindingKind.Invariant] = "invariant",
        [FindingKind.NotLinearizable] = "not-linearizable",
        [FindingKind.Hang] = "hang",
        [FindingKind.Exception] = "exception",
        [FindingKind.Assertion] = "assertion",
        [FindingKind.Timeout] = "timeout",
        [FindingKind.Policy] = "policy",
        [FindingKind.Compile] = "compile",
        [FindingKind.Crash] = "crash",
        [FindingKind.Uncontrolled] = "uncontrolled",
        [FindingKind.DataRace] = "data-race",
        [FindingKind.Integrity] = "integrity",
        [FindingKind.Serialized] = "serialized",
    };

    private static readonly Dictionary<string, FindingKind> ByName =
        Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static string ToWireName(this FindingKind kind) => Names[kind];

    public static bool TryParse(string name, out FindingKind kind) => ByName.TryGetValue(name, out kind);

    public static IReadOnlyCollection<string> All => ByName.Keys;
}
