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
        return Load(new FolderSource(folder), Path.GetFileName(folder), manifestPath);
    }

    /// <summary>
    /// Loads a kata held in memory (an uploaded zip, a stored version): the same checks as a folder, where
    /// <paramref name="id"/> plays the folder name and <paramref name="origin"/> names it in problems.
    /// </summary>
    public static Kata Load(Archives.KataFiles files, string id, string origin)
    {
        var manifestPath = $"{origin}/{ManifestFileName}";
        if (files.Text(ManifestFileName) is null)
            throw new KataFormatException(manifestPath, null, "the kata has no kata.json manifest");
        return Load(new MemorySource(files, origin), id, manifestPath);
    }

    private static Kata Load(IKataSource source, string folderName, string manifestPath)
    {
        var manifest = ParseManifest(source.Read(ManifestFileName)!, manifestPath);
        var problems = new List<KataProblem>();
        void Problem(string field, string message) => problems.Add(new KataProblem(manifestPath, field, message));

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

        var statement = ReadFile(source, manifest.Statement, "statement", Problem);
        var starter = ReadSource(source, manifest.Starter, "starter", Problem);
        var reference = ReadSource(source, manifest.Reference, "reference", Problem);
        var tests = manifest.Tests.Select((path, i) => ReadSource(source, path, $"tests[{i}]", Problem)).ToList();
        var mutants = manifest.Mutants
            .Select((m, i) => new LoadedMutant(m, ReadSource(source, m.File, $"mutants[{i}].file", Problem)))
            .ToList();

        if (problems.Count > 0) throw new KataFormatException(problems);
        return new Kata(manifest, source.Origin, statement, starter, reference, tests, mutants);
    }

    /// <summary>Reads a manifest's text; a malformed one throws <see cref="KataFormatException"/> naming the line and field.</summary>
    public static KataManifest ParseManifest(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<KataManifest>(json, JsonOptions)
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

    private static string ReadFile(IKataSource source, string relative, string field, Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(relative)) { problem(field, "is required"); return ""; }
        if (!source.IsInside(relative))
        {
            problem(field, $"'{relative}' points outside the kata folder");
            return "";
        }

        if (source.Read(relative) is not { } text) { problem(field, $"file '{relative}' does not exist"); return ""; }
        if (string.IsNullOrWhiteSpace(text)) problem(field, $"file '{relative}' is empty");
        return text;
    }

    private static SourceText ReadSource(IKataSource source, string relative, string field, Action<string, string> problem) =>
        new(relative, ReadFile(source, relative, field, problem));

    /// <summary>Where a kata's files come from: a folder on disk, or files held in memory.</summary>
    private interface IKataSource
    {
        string Origin { get; }
        bool IsInside(string relative);
        string? Read(string relative);
    }

    private sealed class FolderSource(string folder) : IKataSource
    {
        public string Origin => folder;

        public bool IsInside(string relative) =>
            Path.GetFullPath(Path.Combine(folder, relative)).StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

        public string? Read(string relative)
        {
            var full = Path.GetFullPath(Path.Combine(folder, relative));
            return File.Exists(full) ? File.ReadAllText(full) : null;
        }
    }

    private sealed class MemorySource(Archives.KataFiles files, string origin) : IKataSource
    {
        public string Origin => origin;

        public bool IsInside(string relative) => Archives.KataFiles.IsSafePath(relative.Replace('\\', '/'));

        public string? Read(string relative) => files.Text(relative.Replace('\\', '/'));
    }
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
