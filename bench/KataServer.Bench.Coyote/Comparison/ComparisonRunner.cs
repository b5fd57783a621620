using KataServer.Bench.Coyote.Coyote;
using KataServer.Bench.Coyote.Ours;
using KataServer.Katas;

namespace KataServer.Bench.Coyote.Comparison;

/// <summary>
/// Runs each mutant under both engines, one mutant after the other, so both see the same machine load, on the kata
/// test that finds it (see <see cref="ExplorerSide.TestThatFindsAsync"/>); Coyote runs the same test.
/// </summary>
public sealed class ComparisonRunner(ExplorerSide ours, CoyoteSide coyote, int seeds, TextWriter progress)
{
    /// <summary>
    /// Each kata's reference solution under both engines, on the tests its rows ran: every schedule runs to its end,
    /// so this is the fair schedules-per-second figure (a row's own rate is dominated by start-up when the bug comes
    /// at the first schedules).
    /// </summary>
    public async Task<IReadOnlyList<ReferenceRate>> RunReferencesAsync(IReadOnlyList<Kata> katas, IReadOnlyList<MutantComparison> rows)
    {
        var rates = new List<ReferenceRate>();
        foreach (var kata in katas)
        {
            var tests = rows.Where(r => r.Kata == kata.Id).SelectMany(r => r.Tests).Distinct().ToList();
            if (tests.Count == 0) continue;
            progress.WriteLine($"... {kata.Id} (reference solution, {tests.Count} tests)");
            var (schedules, ms, alarm) = await ours.RunReferenceAsync(kata, tests);
            var oursSample = new RateSample(schedules, ms, alarm);
            try
            {
                var coyoteRates = await coyote.RunReferenceAsync(kata, tests);
                RateSample Sample(string configuration)
                {
                    var (iterations, milliseconds, alarm) = coyoteRates[configuration];
                    return new RateSample(iterations, milliseconds, alarm);
                }

                rates.Add(new ReferenceRate(kata.Id, tests, oursSample, Sample(CoyoteConfigurations.Default), Sample(CoyoteConfigurations.MemoryAccessRaces)));
            }
            catch (BenchFailure failure)
            {
                rates.Add(new ReferenceRate(kata.Id, tests, oursSample, null, null, failure.Message));
            }

            progress.WriteLine(ComparisonTable.RateRow(rates[^1]));
        }

        return rates;
    }

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
        var tests = await ours.TestThatFindsAsync(kata, mutant);
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
