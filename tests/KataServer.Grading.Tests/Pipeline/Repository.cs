using System.Text.Json;
using KataServer.Katas;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>Paths of the repository's katas and of its learner corpus (tests/corpus).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Katas => Path.Combine(Root, "katas");

    public static string Corpus => Path.Combine(Root, "tests", "corpus");

    /// <summary>The text of a corpus file; a missing file fails the test with its name.</summary>
    public static Task<string> ReadCorpusFileAsync(string relative)
    {
        string path = Path.Combine(Corpus, relative);
        return File.Exists(path) ? File.ReadAllTextAsync(path)
            : throw new FileNotFoundException($"the learner corpus lacks {relative} (expected {path}; see tests/corpus/README.md)", path);
    }

    public static KataCatalog Catalog { get; } = KataCatalog.Load(Katas);

    public static Kata Kata(string id) => Catalog.TryGet(id, out var kata) ? kata : throw new InvalidOperationException($"no kata {id}");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KataServer.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }

    /// <summary>The corpus's expected.json entries.</summary>
    public static IReadOnlyList<CorpusEntry> CorpusEntries()
    {
        string path = Path.Combine(Corpus, "expected.json");
        if (!File.Exists(path))
            throw new FileNotFoundException($"the learner corpus lacks expected.json (expected {path}; see tests/corpus/README.md)", path);
        var entries = JsonSerializer.Deserialize<List<CorpusEntry>>(File.ReadAllText(path),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        return entries is { Count: > 0 } ? entries : throw new InvalidDataException($"{path} lists no corpus files");
    }
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
