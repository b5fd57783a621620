namespace KataServer.Bench.Coyote.Comparison;

/// <summary>
/// One engine on one mutant with one seed. <see cref="SchedulesToBug"/> is the fewest schedules (Coyote: iterations)
/// any of the tests needed to reach the bug, counting the failing one; <see cref="Explored"/> and
/// <see cref="ExploringMs"/> cover every test of the seed.
/// </summary>
public sealed record SeedOutcome(bool Found, long? SchedulesToBug, long Explored, double ExploringMs, string? Note = null);

/// <summary>An engine's seeds on one mutant, summed up for the table.</summary>
public sealed record EngineSummary(IReadOnlyList<SeedOutcome> Seeds)
{
    public int FoundSeeds => Seeds.Count(s => s.Found);

    public IReadOnlyList<long> ToBug => Seeds.Where(s => s.Found && s.SchedulesToBug is not null).Select(s => s.SchedulesToBug!.Value).Order().ToList();

    /// <summary>Notes of the seeds (what a miss found instead, a timeout), each once.</summary>
    public IEnumerable<string> Notes => Seeds.Select(s => s.Note).OfType<string>().Distinct();
}

/// <summary>One row: a mutant, the tests run, each engine's seeds, and what in the program Coyote does not control.</summary>
public sealed record MutantComparison(
    string Kata,
    string Mutant,
    IReadOnlyList<string> Tests,
    EngineSummary Ours,
    EngineSummary CoyoteDefault,
    EngineSummary CoyoteMemoryRaces,
    IReadOnlyList<string> UncontrolledByCoyote,
    string? Error = null);

/// <summary>Schedules and exploring time of one engine on a kata's reference solution; any finding is a false alarm.</summary>
public sealed record RateSample(long Schedules, double Milliseconds, string? FalseAlarm)
{
    public double? PerSecond => Milliseconds > 0 ? Schedules * 1000.0 / Milliseconds : null;
}

/// <summary>A kata's reference solution under each engine, on the tests its mutants' rows ran.</summary>
public sealed record ReferenceRate(string Kata, IReadOnlyList<string> Tests, RateSample? Ours, RateSample? CoyoteDefault, RateSample? CoyoteMemoryRaces, string? Error = null);
