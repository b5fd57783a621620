using KataServer.Bench.Coyote.Coyote;
using KataServer.Bench.Coyote.Ours;
using KataServer.Katas;

namespace KataServer.Bench.Coyote.Comparison;

/// <summary>
/// Runs each mutant under both engines, one mutant after the other, so both see the same machine load. The tests are
/// those that find the mutant under our explorer with seed 1 (as `kata bench seeds` picks them), or every explore
/// test when none does; Coyote runs the same tests.
/// </summary>
public sealed class ComparisonRunner(ExplorerSide ours, CoyoteSide coyote, int seeds, TextWriter progress)
{
    public async Task<IReadOnlyList<MutantComparison>> RunAsync(IReadOnlyList<(Kata Kata, LoadedMutant Mutant)> mutants)
    {
        var rows = new List<MutantComparison>();
        foreach (var (kata, mutant) in mutants)
        {
            progress.WriteLine($"... {kata.Id}/{mutant.Name} ({rows.Count + 1} of {mutants.Count})");
            var row = await CompareAsync(kata, mutant);
            progress.WriteLine(ComparisonTable.Row(row));
            rows.Add(row);
        }

        return rows;
    }

    private async Task<MutantComparison> CompareAsync(Kata kata, LoadedMutant mutant)
    {
        var seedList = Enumerable.Range(1, seeds).Select(s => (ulong)s).ToList();
        var tests = await ours.TestsThatFindAsync(kata, mutant);
        // Every seed, the first included, runs only these tests, as Coyote does: the rates compare like with like.
        var ourSeeds = new List<SeedOutcome>();
        foreach (var seed in seedList) ourSeeds.Add(await ours.RunAsync(kata, mutant, seed, tests));
        var oursSummary = new EngineSummary(ourSeeds);
        var none = new EngineSummary([]);
        if (tests.Count == 0) return new MutantComparison(kata.Id, mutant.Name, tests, oursSummary, none, none, [], "no explore test to run");
        try
        {
            var result = await coyote.RunAsync(kata, mutant, tests, seedList);
            return new MutantComparison(kata.Id, mutant.Name, tests, oursSummary,
                result.ByConfiguration[CoyoteConfigurations.Default], result.ByConfiguration[CoyoteConfigurations.MemoryAccessRaces],
                result.Uncontrolled);
        }
        catch (BenchFailure failure)
        {
            return new MutantComparison(kata.Id, mutant.Name, tests, oursSummary, none, none, [], failure.Message);
        }
    }
}
