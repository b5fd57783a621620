using System.Globalization;
using KataServer.Katas;

namespace KataServer.Bench.Coyote;

/// <summary>The command line: which mutants, how many seeds, where to build. Bad input is a clear error (exit 2).</summary>
public sealed record BenchOptions
{
    public const string Usage =
        "usage: kata-bench-coyote [--kata ID]... [--mutant NAME]... [--seeds N] [--katas DIR] [--work DIR] [--coyote-time-scale X]\n" +
        "  Runs each non-policy mutant of the katas (all, or those named) with the kata test that finds it, under the\n" +
        "  KataServer explorer and under Coyote 1.7.11 (after `coyote rewrite`), over seeds 1..N, and prints a markdown table.";

    public IReadOnlyList<string> Katas { get; init; } = [];
    public IReadOnlyList<string> Mutants { get; init; } = [];
    public int Seeds { get; init; } = 5;
    public string? KatasRoot { get; init; }
    public string? WorkDirectory { get; init; }

    /// <summary>
    /// Coyote's wall-clock limit per test and seed, as a multiple of the kata's explore seconds. Our explorer's
    /// limit does not count time spent waiting for a CPU; Coyote's is wall time, so on a shared machine it gets more.
    /// </summary>
    public double CoyoteTimeScale { get; init; } = 4;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var katas = new List<string>();
        var mutants = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--kata": katas.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--mutant": mutants.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--seeds": options = options with { Seeds = PositiveInt(Value(), "--seeds", max: 1000) }; break;
                case "--katas": options = options with { KatasRoot = Value() }; break;
                case "--work": options = options with { WorkDirectory = Value() }; break;
                case "--coyote-time-scale":
                    var text = Value();
                    options = options with
                    {
                        CoyoteTimeScale = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale is > 0 and <= 100
                            ? scale
                            : throw new UsageException($"--coyote-time-scale must be a number above 0 and at most 100, not '{text}'"),
                    };
                    break;
                case "--help" or "-h": throw new UsageException("");
                default: throw new UsageException($"unknown argument '{args[i]}'");
            }
        }

        return options with { Katas = katas, Mutants = mutants };
    }

    /// <summary>The mutants to run, in catalog order; an unknown kata or mutant name is an error, not an empty table.</summary>
    public IReadOnlyList<(Kata Kata, LoadedMutant Mutant)> Select(KataCatalog catalog)
    {
        foreach (var id in Katas)
            if (!catalog.TryGet(id, out _)) throw new UsageException($"no kata '{id}' (choose from {string.Join(", ", catalog.Katas.Select(k => k.Id))})");
        var chosen = catalog.Katas
            .Where(kata => Katas.Count == 0 || Katas.Contains(kata.Id))
            .SelectMany(kata => kata.Mutants.Where(m => m.Spec.Finding != "policy").Select(m => (Kata: kata, Mutant: m)))
            .ToList();
        foreach (var name in Mutants)
            if (!chosen.Any(c => c.Mutant.Name == name)) throw new UsageException($"no mutant '{name}' in the chosen katas");
        return Mutants.Count == 0 ? chosen : chosen.Where(c => Mutants.Contains(c.Mutant.Name)).ToList();
    }

    private static int PositiveInt(string text, string name, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max
            ? value
            : throw new UsageException($"{name} must be a whole number from 1 to {max}, not '{text}'");
}

public sealed class UsageException(string message) : Exception(message);
