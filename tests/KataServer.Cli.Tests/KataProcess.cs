using System.Diagnostics;

namespace KataServer.Cli.Tests;

/// <summary>Runs the real `kata` program (dotnet kata.dll) from the repository root.</summary>
public static class KataProcess
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Corpus => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "corpus"));

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
