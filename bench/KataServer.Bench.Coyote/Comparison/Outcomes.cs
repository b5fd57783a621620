namespace KataServer.Bench.Coyote.Comparison;

/// <summary>
/// One engine on one mutant with one seed. <see cref="SchedulesToBug"/> is the fewest schedules (Coyote: iterations)
/// any of the tests needed to reach the bug, counting the failing one; <see cref="Explored"/> and
/// <see cref="ExploringMs"/> cover every test of the seed (for schedules per second).
/// </summary>
public sealed record SeedOutcome(bool Found, long? SchedulesToBug, long Explored, double ExploringMs, string? Note = null);

/// <summary>An engine's seeds on one mutant, summed up for the table.</summary>
public sealed record EngineSummary(IReadOnlyList<SeedOutcome> Seeds)
{
    public int FoundSeeds => Seeds.Count(s => s.Found);

    public IReadOnlyList<long> ToBug => Seeds.Where(s => s.Found && s.SchedulesToBug is not null).Select(s => s.SchedulesToBug!.Value).Order().ToList();

    public long Explored => Seeds.Sum(s => s.Explored);

    public double ExploringMs => Seeds.Sum(s => s.ExploringMs);

    public double? SchedulesPerSecond => ExploringMs > 0 ? Explored * 1000.0 / ExploringMs : null;

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
