using KataServer.Compilation.Policy;
using Microsoft.CodeAnalysis.CSharp;

namespace KataServer.Compilation.Tests;

internal static class Corpus
{
    private static readonly Lazy<string?> s_dir = new(Locate);

    /// <summary>The shared corpus directory: KATA_CORPUS, or a `shared/corpus` beside an ancestor of the test binaries.</summary>
    public static string? Dir => s_dir.Value;

    private static string? Locate()
    {
        string? env = Environment.GetEnvironmentVariable("KATA_CORPUS");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "corpus");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static string Require()
        => Dir ?? throw new InvalidOperationException("shared/corpus not found beside the repository (set KATA_CORPUS).");

    /// <summary>Reads a corpus file as text only: these files are never executed.</summary>
    public static string Read(string relative) => File.ReadAllText(Path.Combine(Require(), relative));

    public static IEnumerable<string> Files(string pattern = "*.cs")
        => Directory.GetFiles(Require(), pattern, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Require(), f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);
}

internal static class Check
{
    public static KataCompiler Compiler => KataCompiler.Shared;

    /// <summary>Learner code as the grader compiles it: against the trimmed reference set.</summary>
    public static CSharpCompilation Compile(string source, string path = "Submission.cs")
        => Compiler.CreateSubmissionCompilation([Compiler.Parse(source, path)], "Submission");

    /// <summary>Against the full framework set (as the hidden tests are): for policy cases the trimmed set would already refuse.</summary>
    public static CSharpCompilation CompileFull(string source, string path = "Submission.cs")
        => Compiler.CreateCompilation([Compiler.Parse(source, path)], "Submission");

    /// <summary>
    /// The checker alone, on a compilation against the FULL set: it must refuse what the trimmed set would
    /// also refuse (two walls, each tested on its own).
    /// </summary>
    public static IReadOnlyList<PolicyViolation> Policy(string source, ApiPolicy? policy = null)
        => PolicyChecker.Check(CompileFull(source), policy ?? ApiPolicy.Default);
}
