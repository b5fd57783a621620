using System.Diagnostics;

namespace KataServer.Cli.Tests;

/// <summary>
/// Runs `kata` from the repository root: <see cref="RunAsync"/> calls its entry point in this process (the same
/// commands, arguments, exit code and streams, without a process start and a cold compiler per test);
/// <see cref="RunProcessAsync"/> starts the real program (dotnet kata.dll), for tests about the process itself.
/// </summary>
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

    /// <summary>`kata args...` in process: what it writes to stdout and stderr, and its exit code.</summary>
    public static async Task<Result> RunAsync(params string[] args)
    {
        // The tests of this assembly run one at a time (AssemblyInfo.cs), so the process's directory is ours to set.
        var directory = Directory.GetCurrentDirectory();
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        try
        {
            Directory.SetCurrentDirectory(RepositoryRoot);
            int exitCode = await KataProgram.RunAsync(args, stdout, stderr);
            return new Result(exitCode, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Directory.SetCurrentDirectory(directory);
        }
    }

    /// <summary>`dotnet kata.dll args...` as a child process.</summary>
    public static async Task<Result> RunProcessAsync(params string[] args)
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
