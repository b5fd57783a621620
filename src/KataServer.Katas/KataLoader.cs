using System.Text.Json;
using System.Text.RegularExpressions;
using KataServer.Testing;

namespace KataServer.Katas;

/// <summary>Reads and checks one kata folder. Every problem names the file and the field.</summary>
public static partial class KataLoader
{
    public const string ManifestFileName = "kata.json";
    private static readonly string[] Difficulties = ["easy", "medium", "hard"];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    public static Kata Load(string directory)
    {
        var folder = Path.GetFullPath(directory);
        var manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
            throw new KataFormatException(manifestPath, null, "the kata folder has no kata.json manifest");

        var manifest = ReadManifest(manifestPath);
        var problems = new List<KataProblem>();
        void Problem(string field, string message) => problems.Add(new KataProblem(manifestPath, field, message));

        var folderName = Path.GetFileName(folder);
        if (!IdPattern().IsMatch(manifest.Id))
            Problem("id", $"'{manifest.Id}' must be lowercase words joined by '-'");
        else if (manifest.Id != folderName)
            Problem("id", $"'{manifest.Id}' must equal the folder name '{folderName}'");
        if (string.IsNullOrWhiteSpace(manifest.Title)) Problem("title", "is required");
        if (manifest.Order < 1) Problem("order", "must be 1 or more (position on the learning path)");
        if (!Difficulties.Contains(manifest.Difficulty)) Problem("difficulty", $"must be one of {string.Join(", ", Difficulties)}");
        if (manifest.Topics.Count == 0) Problem("topics", "list at least one topic");
        if (manifest.Tests.Count == 0) Problem("tests", "list at least one hidden test file");
        if (manifest.Mutants.Count < 3) Problem("mutants", $"a kata needs at least 3 mutants (has {manifest.Mutants.Count})");
        if (manifest.Hints.Count is < 1 or > 4) Problem("hints", $"give 1 to 4 hints (has {manifest.Hints.Count})");
        CheckBudgets(manifest.Budgets, Problem);
        CheckScoring(manifest.Scoring, Problem);

        for (var i = 0; i < manifest.Mutants.Count; i++)
        {
            var mutant = manifest.Mutants[i];
            foreach (var finding in mutant.AcceptedFindings.Where(f => !FindingKindNames.TryParse(f, out _)))
                Problem($"mutants[{i}]", $"'{finding}' is not a finding kind ({string.Join(", ", FindingKindNames.All)})");
            if (string.IsNullOrWhiteSpace(mutant.Mistake)) Problem($"mutants[{i}].mistake", "describe the mistake in a sentence");
        }

        var statement = ReadFile(folder, manifest.Statement, "statement", Problem);
        var starter = ReadSource(folder, manifest.Starter, "starter", Problem);
        var reference = ReadSource(folder, manifest.Reference, "reference", Problem);
        var tests = manifest.Tests.Select((path, i) => ReadSource(folder, path, $"tests[{i}]", Problem)).ToList();
        var mutants = manifest.Mutants
            .Select((m, i) => new LoadedMutant(m, ReadSource(folder, m.File, $"mutants[{i}].file", Problem)))
            .ToList();

        if (problems.Count > 0) throw new KataFormatException(problems);
        return new Kata(manifest, folder, statement, starter, reference, tests, mutants);
    }

    private static KataManifest ReadManifest(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<KataManifest>(File.ReadAllText(path), JsonOptions)
                ?? throw new KataFormatException(path, null, "the manifest is empty (null)");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}: " : "";
            var field = string.IsNullOrEmpty(e.Path) ? null : e.Path.TrimStart('$', '.');
            throw new KataFormatException(path, field, where + FirstSentence(e.Message));
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static void CheckBudgets(KataBudgets b, Action<string, string> problem)
    {
        if (b.WallSeconds is < 1 or > 600) problem("budgets.wallSeconds", "must be between 1 and 600");
        if (b.CpuSeconds is < 1 or > 1200) problem("budgets.cpuSeconds", "must be between 1 and 1200");
        if (b.MemoryMb is < 64 or > 8192) problem("budgets.memoryMb", "must be between 64 and 8192");
        if (b.MaxThreads is < 16 or > 4096) problem("budgets.maxThreads", "must be between 16 and 4096");
        if (b.StressIterations < 1) problem("budgets.stressIterations", "must be at least 1");
        if (b.StressSeconds <= 0) problem("budgets.stressSeconds", "must be positive");
        if (b.IterationTimeoutSeconds <= 0) problem("budgets.iterationTimeoutSeconds", "must be positive");
        if (b.ExploreSchedules < 1) problem("budgets.exploreSchedules", "must be at least 1");
        if (b.ExploreSeconds <= 0) problem("budgets.exploreSeconds", "must be positive");
        if (b.ExploreMaxSteps < 100) problem("budgets.exploreMaxSteps", "must be at least 100");
    }

    private static void CheckScoring(KataScoring s, Action<string, string> problem)
    {
        if (s.PerformanceWeight is < 0 or > 100) problem("scoring.performanceWeight", "must be between 0 and 100");
        if (s.TargetRatio <= 0) problem("scoring.targetRatio", "must be positive");
    }

    private static string ReadFile(string folder, string relative, string field, Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(relative)) { problem(field, "is required"); return ""; }
        var full = Path.GetFullPath(Path.Combine(folder, relative));
        if (!full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            problem(field, $"'{relative}' points outside the kata folder");
            return "";
        }

        if (!File.Exists(full)) { problem(field, $"file '{relative}' does not exist"); return ""; }
        var text = File.ReadAllText(full);
        if (string.IsNullOrWhiteSpace(text)) problem(field, $"file '{relative}' is empty");
        return text;
    }

    private static SourceText ReadSource(string folder, string relative, string field, Action<string, string> problem) =>
        new(relative, ReadFile(folder, relative, field, problem));
}

public sealed record KataProblem(string File, string? Field, string Message)
{
    public override string ToString() => Field is null ? $"{File}: {Message}" : $"{File}: {Field}: {Message}";
}

public sealed class KataFormatException(IReadOnlyList<KataProblem> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public KataFormatException(string file, string? field, string message) : this([new KataProblem(file, field, message)]) { }

    public IReadOnlyList<KataProblem> Problems { get; } = problems;
}
