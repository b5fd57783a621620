using System.Text.Json;
using KataServer.Compilation.Policy;
using Xunit.Abstractions;

namespace KataServer.Compilation.Tests;

/// <summary>
/// The allow-list must never refuse correct code: every correct solution we have (the corpus, every kata's
/// reference and starter, the grader's samples written in other idioms) compiles against the trimmed
/// reference set, exactly as the grader compiles it, and passes its kata's policy.
/// </summary>
public class CorrectSolutionsTests(ITestOutputHelper output)
{
    private static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KataServer.sln"))) return dir.FullName;
        }
        return null;
    }

    private static ApiPolicy PolicyOfKata(string root, string kata)
    {
        string manifest = Path.Combine(root, "katas", kata, "kata.json");
        if (!File.Exists(manifest)) return ApiPolicy.Default;
        using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
        if (!doc.RootElement.TryGetProperty("policy", out var p)) return ApiPolicy.Default;
        static string[] List(JsonElement e, string name) => e.TryGetProperty(name, out var l) && l.ValueKind == JsonValueKind.Array
            ? l.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
            : [];
        return ApiPolicy.FromManifest(List(p, "deny"), List(p, "allow"));
    }

    /// <summary>(kata id, path) of every correct solution this repository and the shared corpus hold.</summary>
    private static IEnumerable<(string Kata, string Path)> Solutions(string root)
    {
        foreach (var dir in Directory.GetDirectories(Path.Combine(root, "katas")).Order(StringComparer.Ordinal))
        {
            foreach (var name in new[] { "reference.cs", "starter.cs" })
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path)) yield return (Path.GetFileName(dir), path);
            }
        }
        foreach (var folder in new[] { "OtherPrimitives", "Deterministic" })
        {
            string dir = Path.Combine(root, "tests", "KataServer.Grading.Tests", "Pipeline", folder);
            if (!Directory.Exists(dir)) continue;
            foreach (var path in Directory.GetFiles(dir, "*.cs").Order(StringComparer.Ordinal))
                yield return (Path.GetFileName(path)[..Path.GetFileName(path).IndexOf('.')], path);
        }
        if (Corpus.Dir is { } corpus)
        {
            foreach (var path in Directory.GetFiles(corpus, "ok-*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string kata = Path.GetFileName(Path.GetDirectoryName(path)!);
                if (kata != "adversarial") yield return (kata, path);
            }
        }
    }

    [Fact]
    public void Every_correct_solution_compiles_against_the_trimmed_set_and_passes_its_katas_policy()
    {
        string root = RepoRoot() ?? throw new InvalidOperationException("repository root not found");
        var problems = new List<string>();
        int count = 0;
        foreach (var (kata, path) in Solutions(root))
        {
            count++;
            var policy = PolicyOfKata(root, kata);
            var outcome = Check.Compiler.CompileSubmission(File.ReadAllText(path), Path.GetFileName(path), policy: policy);
            string shown = Path.GetRelativePath(root, path);
            foreach (var e in outcome.Errors) problems.Add($"{shown}: {e}");
            if (!outcome.Success) continue;
            foreach (var v in PolicyChecker.Check(outcome.Compilation, policy)) problems.Add($"{shown}: {v.Message}");
        }
        output.WriteLine($"{count} solutions checked");
        foreach (var p in problems) output.WriteLine(p);
        Assert.True(count >= 30, $"only {count} solutions found");
        Assert.Empty(problems);
    }
}
