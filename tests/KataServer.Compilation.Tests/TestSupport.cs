using KataServer.Compilation.Policy;
using Microsoft.CodeAnalysis.CSharp;

namespace KataServer.Compilation.Tests;

/// <summary>The learner corpus of this repository (tests/corpus); a missing file fails the test that needs it.</summary>
internal static class Corpus
{
    private static readonly Lazy<string> s_dir = new(Locate);

    /// <summary>The repository's `tests/corpus` directory.</summary>
    public static string Dir => s_dir.Value;

    /// <summary>The kata contracts (KATAS.md) copied beside the corpus.</summary>
    public static string ContractsFile => Require("KATAS.md");

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KataServer.sln")))
            {
                string corpus = Path.Combine(dir.FullName, "tests", "corpus");
                return Directory.Exists(corpus) ? corpus
                    : throw new DirectoryNotFoundException($"the learner corpus is missing: expected {corpus} (see tests/corpus/README.md)");
            }
        throw new DirectoryNotFoundException("the repository root (KataServer.sln) was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The full path of a corpus file, or an exception naming the missing file.</summary>
    public static string Require(string relative)
    {
        string path = Path.Combine(Dir, relative);
        return File.Exists(path) || Directory.Exists(path) ? path
            : throw new FileNotFoundException($"the learner corpus lacks {relative} (expected {path}; see tests/corpus/README.md)", path);
    }

    /// <summary>Reads a corpus file as text only: these files are never executed.</summary>
    public static string Read(string relative) => File.ReadAllText(Require(relative));

    /// <summary>The corpus's C# files (relative paths); fails when there are none.</summary>
    public static IEnumerable<string> Files(string pattern = "*.cs")
    {
        var files = Directory.GetFiles(Dir, pattern, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Dir, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        return files.Count > 0 ? files : throw new FileNotFoundException($"the learner corpus {Dir} has no {pattern} files");
    }
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
