using System.Text.Json;
using KataServer.Katas;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>Paths of the repository's katas and of the shared learner corpus beside the repository.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Katas => Path.Combine(Root, "katas");

    public static string Corpus => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));

    public static KataCatalog Catalog { get; } = KataCatalog.Load(Katas);

    public static Kata Kata(string id) => Catalog.TryGet(id, out var kata) ? kata : throw new InvalidOperationException($"no kata {id}");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KataServer.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }

    /// <summary>The corpus's expected.json entries.</summary>
    public static IReadOnlyList<CorpusEntry> CorpusEntries() =>
        JsonSerializer.Deserialize<List<CorpusEntry>>(File.ReadAllText(Path.Combine(Corpus, "expected.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
}

public sealed record CorpusEntry
{
    public string Kata { get; init; } = "";
    public string File { get; init; } = "";
    public string Expect { get; init; } = "";
    public string Finding { get; init; } = "";
    public List<string>? Also { get; init; }
    public string? Marker { get; init; }
    public string? MarkerExpect { get; init; }
    public string? Leak { get; init; }

    public IEnumerable<string> AcceptedFindings => (Also ?? []).Prepend(Finding);

    public override string ToString() => File;
}
