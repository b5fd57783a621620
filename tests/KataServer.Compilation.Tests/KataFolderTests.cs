using System.Text.Json;
using KataServer.Compilation.Policy;
using Xunit.Abstractions;

namespace KataServer.Compilation.Tests;

/// <summary>
/// The repository's own katas (katas/&lt;id&gt;/): reference solutions and starters must pass the kata's
/// policy (never flag correct code), starters and mutants must match the reference's contract, and a
/// mutant whose expected finding is "policy" must be flagged.
/// </summary>
public class KataFolderTests(ITestOutputHelper output)
{
    private static string? KatasDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "katas");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "KataServer.sln"))) return candidate;
        }
        return null;
    }

    private static ApiPolicy PolicyOf(JsonElement manifest)
    {
        if (!manifest.TryGetProperty("policy", out var p)) return ApiPolicy.Default;
        static string[] List(JsonElement e, string name) => e.TryGetProperty(name, out var l) && l.ValueKind == JsonValueKind.Array
            ? l.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
            : [];
        return ApiPolicy.FromManifest(List(p, "deny"), List(p, "allow"));
    }

    [Fact]
    public void Kata_folders_pass_policy_and_contract_checks()
    {
        string? katas = KatasDir();
        if (katas is null) return;
        var problems = new List<string>();
        int checkedFiles = 0;
        foreach (var dir in Directory.GetDirectories(katas).OrderBy(d => d, StringComparer.Ordinal))
        {
            string manifestPath = Path.Combine(dir, "kata.json");
            string referencePath = Path.Combine(dir, "reference.cs");
            if (!File.Exists(manifestPath) || !File.Exists(referencePath)) continue;
            using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
            var policy = PolicyOf(manifest.RootElement);
            string id = Path.GetFileName(dir);

            var reference = Check.Compile(File.ReadAllText(referencePath));
            foreach (var v in PolicyChecker.Check(reference, policy)) problems.Add($"{id}/reference.cs: {v.Message}");
            checkedFiles++;

            string starterPath = Path.Combine(dir, "starter.cs");
            if (File.Exists(starterPath))
            {
                var starter = Check.Compile(File.ReadAllText(starterPath));
                foreach (var v in PolicyChecker.Check(starter, policy)) problems.Add($"{id}/starter.cs: {v.Message}");
                foreach (var c in ContractChecker.Compare(reference, starter)) problems.Add($"{id}/starter.cs: {c.Message}");
                checkedFiles++;
            }

            if (!manifest.RootElement.TryGetProperty("mutants", out var mutants)) continue;
            foreach (var m in mutants.EnumerateArray())
            {
                string file = m.GetProperty("file").GetString()!;
                string path = Path.Combine(dir, file);
                if (!File.Exists(path)) continue;
                var mutant = Check.Compile(File.ReadAllText(path));
                checkedFiles++;
                foreach (var c in ContractChecker.Compare(reference, mutant)) problems.Add($"{id}/{file}: {c.Message}");
                bool expectsPolicy = m.TryGetProperty("finding", out var f) && f.GetString() == "policy";
                var violations = PolicyChecker.Check(mutant, policy);
                if (expectsPolicy && violations.Count == 0) problems.Add($"{id}/{file}: expected a policy finding, got none");
            }
        }
        output.WriteLine($"{checkedFiles} kata files checked");
        Assert.Empty(problems);
    }
}
