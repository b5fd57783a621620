using System.Diagnostics;

namespace KataServer.Cli.Tests;

/// <summary>Runs the real `kata` program (dotnet kata.dll) from the repository root.</summary>
public static class KataProcess
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>A file of the repository's learner corpus (tests/corpus), or an exception naming the missing file.</summary>
    public static string CorpusFile(string kata, string file)
    {
        string path = Path.Combine(RepositoryRoot, "tests", "corpus", kata, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"the learner corpus lacks {kata}/{file} (expected {path}; see tests/corpus/README.md)", path);
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kata.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KataServer.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
