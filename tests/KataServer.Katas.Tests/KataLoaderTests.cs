using KataServer.Katas;

namespace KataServer.Katas.Tests;

public sealed class KataLoaderTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("kata-loader-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void LoadsACompleteKata()
    {
        var folder = WriteKata("sample-kata");

        var kata = KataLoader.Load(folder);

        Assert.Equal("sample-kata", kata.Id);
        Assert.Equal("public sealed class Counter { }", kata.Starter.Text);
        Assert.Single(kata.Tests);
        Assert.Equal(3, kata.Mutants.Count);
        Assert.Equal(["lost-update", "invariant"], kata.Mutants[0].Spec.AcceptedFindings);
        Assert.Equal("m1", kata.Mutants[0].Name);
        Assert.Equal(300, kata.Manifest.Budgets.StressIterations);
        Assert.Equal(2000, kata.Manifest.Budgets.ExploreSchedules); // default when not given
    }

    [Fact]
    public void MissingManifestIsNamed()
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "empty")).FullName;

        var error = Assert.Throws<KataFormatException>(() => KataLoader.Load(folder));

        Assert.EndsWith("kata.json", error.Problems.Single().File);
        Assert.Contains("no kata.json", error.Message);
    }

    [Fact]
    public void MalformedJsonNamesTheLine()
    {
        var folder = WriteKata("broken-json");
        File.WriteAllText(Path.Combine(folder, "kata.json"), "{\n  \"id\": \"broken-json\",\n  \"order\": \"first\"\n}");

        var error = Assert.Throws<KataFormatException>(() => KataLoader.Load(folder));

        var problem = error.Problems.Single();
        Assert.Equal("order", problem.Field);
        Assert.Contains("line 3", problem.Message);
    }

    [Fact]
    public void UnknownFieldIsRejected()
    {
        var folder = WriteKata("typo-kata", manifest => manifest.Replace("\"hints\"", "\"hintz\": [], \"hints\""));

        var error = Assert.Throws<KataFormatException>(() => KataLoader.Load(folder));

        Assert.Contains("hintz", error.Message);
    }

    [Fact]
    public void EveryProblemIsReportedWithItsField()
    {
        var folder = WriteKata("bad-kata", manifest => manifest
            .Replace("\"id\": \"bad-kata\"", "\"id\": \"Other_Name\"")
            .Replace("\"difficulty\": \"easy\"", "\"difficulty\": \"trivial\"")
            .Replace("\"finding\": \"deadlock\"", "\"finding\": \"explosion\"")
            .Replace("\"tests/CounterTests.cs\"", "\"tests/Missing.cs\""));

        var error = Assert.Throws<KataFormatException>(() => KataLoader.Load(folder));

        var fields = error.Problems.Select(p => p.Field).ToList();
        Assert.Contains("id", fields);
        Assert.Contains("difficulty", fields);
        Assert.Contains("mutants[1]", fields);
        Assert.Contains("tests[0]", fields);
        Assert.Contains(error.Problems, p => p.Message.Contains("'explosion' is not a finding kind"));
        Assert.Contains(error.Problems, p => p.Message.Contains("tests/Missing.cs"));
    }

    [Fact]
    public void FewerThanThreeMutantsIsAProblem()
    {
        var folder = WriteKata("two-mutants", manifest => manifest.Replace(
            ", { \"file\": \"mutants/m3.cs\", \"finding\": \"hang\", \"mistake\": \"c\" }", ""));

        var error = Assert.Throws<KataFormatException>(() => KataLoader.Load(folder));

        Assert.Contains(error.Problems, p => p.Field == "mutants" && p.Message.Contains("at least 3"));
    }

    [Fact]
    public void PathsMayNotLeaveTheKataFolder()
    {
        var folder = WriteKata("escape", manifest => manifest.Replace("\"starter.cs\"", "\"../../etc/passwd\""));

        var error = Assert.Throws<KataFormatException>(() => KataLoader.Load(folder));

        Assert.Contains(error.Problems, p => p.Field == "starter" && p.Message.Contains("outside the kata folder"));
    }

    [Fact]
    public void CatalogOrdersByLearningPathAndKeepsGoingPastBrokenKatas()
    {
        WriteKata("second", m => m.Replace("\"order\": 1", "\"order\": 2"));
        WriteKata("first");
        Directory.CreateDirectory(Path.Combine(root, "not-a-kata"));

        var catalog = KataCatalog.Load(root);

        Assert.Equal(["first", "second"], catalog.Katas.Select(k => k.Id));
        Assert.Single(catalog.Problems);
        Assert.True(catalog.TryGet("second", out _));
        Assert.False(catalog.TryGet("not-a-kata", out _));
    }

    [Fact]
    public void RepositoryKatasAllLoad()
    {
        var katas = KataCatalog.FindDefaultRoot();
        Assert.NotNull(katas);

        var catalog = KataCatalog.Load(katas);

        Assert.Empty(catalog.Problems);
        Assert.Contains(catalog.Katas, k => k.Id == "deadlock-transfer");
    }

    private string WriteKata(string id, Func<string, string>? edit = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, id)).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "tests"));
        Directory.CreateDirectory(Path.Combine(folder, "mutants"));
        var manifest = $$"""
            {
              "id": "{{id}}", "title": "Count", "order": 1, "difficulty": "easy", "topics": ["atomicity"],
              "summary": "count hits", "starter": "starter.cs", "reference": "reference.cs",
              "tests": ["tests/CounterTests.cs"],
              "budgets": { "stressIterations": 300 },
              "mutants": [
                { "file": "mutants/m1.cs", "finding": "lost-update", "also": ["invariant"], "mistake": "a" },
                { "file": "mutants/m2.cs", "finding": "deadlock", "mistake": "b" }, { "file": "mutants/m3.cs", "finding": "hang", "mistake": "c" }
              ],
              "hints": ["one", "two"]
            }
            """;
        File.WriteAllText(Path.Combine(folder, "kata.json"), edit is null ? manifest : edit(manifest));
        File.WriteAllText(Path.Combine(folder, "README.md"), "# Count\n");
        File.WriteAllText(Path.Combine(folder, "starter.cs"), "public sealed class Counter { }");
        File.WriteAllText(Path.Combine(folder, "reference.cs"), "public sealed class Counter { public int N; }");
        File.WriteAllText(Path.Combine(folder, "tests", "CounterTests.cs"), "public static class CounterTests { }");
        foreach (var m in new[] { "m1", "m2", "m3" }) File.WriteAllText(Path.Combine(folder, "mutants", m + ".cs"), "public sealed class Counter { }");
        return folder;
    }
}

public sealed class RepositoryKataTests
{
    public static TheoryData<string> Katas()
    {
        var data = new TheoryData<string>();
        foreach (var kata in KataCatalog.Load(KataCatalog.FindDefaultRoot()!).Katas) data.Add(kata.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Katas))]
    public void StatementIsCleanMarkdown(string id)
    {
        var kata = KataCatalog.Load(KataCatalog.FindDefaultRoot()!).Katas.Single(k => k.Id == id);
        var lines = kata.Statement.Split('\n');

        Assert.StartsWith("# ", lines[0]);
        var fences = lines.Count(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        Assert.True(fences % 2 == 0, $"{id}/README.md has an unclosed code block ({fences} fences)");
        Assert.Contains("```csharp", kata.Statement); // the contract is shown as C#
        Assert.DoesNotContain(kata.Manifest.Hints, hint => kata.Statement.Contains(hint, StringComparison.Ordinal));
    }

    [Fact]
    public void LearningPathHasNoGapsOrDuplicates()
    {
        var orders = KataCatalog.Load(KataCatalog.FindDefaultRoot()!).Katas.Select(k => k.Manifest.Order).ToList();

        Assert.Equal(Enumerable.Range(1, orders.Count), orders);
    }

    [Fact]
    public void LearningPathNeverGetsEasier()
    {
        string[] levels = ["easy", "medium", "hard"];
        var path = KataCatalog.Load(KataCatalog.FindDefaultRoot()!).Katas.OrderBy(k => k.Manifest.Order).ToList();

        for (var i = 1; i < path.Count; i++)
            Assert.True(
                Array.IndexOf(levels, path[i].Manifest.Difficulty) >= Array.IndexOf(levels, path[i - 1].Manifest.Difficulty),
                $"{path[i].Manifest.Id} ({path[i].Manifest.Difficulty}) comes after {path[i - 1].Manifest.Id} ({path[i - 1].Manifest.Difficulty})");
    }
}
