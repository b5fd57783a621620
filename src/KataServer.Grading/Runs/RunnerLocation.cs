namespace KataServer.Grading.Runs;

/// <summary>Where the runner lives: the dotnet host and kata-runner.dll (built beside the grader).</summary>
public sealed record RunnerLocation(string DotnetHost, string RunnerDll)
{
    public string RunnerDirectory => Path.GetDirectoryName(RunnerDll)!;

    /// <summary>What a sandboxed run may see of the runner's folder: its assemblies and symbols at the top level, and the
    /// runner's own deps and runtimeconfig. Not the folder itself: beside the runner may sit what learner code must never
    /// read (the katas a packed `kata` tool ships, the host's appsettings, test sources).</summary>
    public IReadOnlyList<string> SandboxFiles => sandboxFiles ??= ListSandboxFiles();

    private IReadOnlyList<string>? sandboxFiles;

    private List<string> ListSandboxFiles()
    {
        var runnerName = Path.GetFileNameWithoutExtension(RunnerDll);
        return Directory.EnumerateFiles(RunnerDirectory)
            .Where(f => Path.GetExtension(f) is ".dll" or ".pdb"
                || Path.GetFileName(f) == runnerName + ".deps.json" || Path.GetFileName(f) == runnerName + ".runtimeconfig.json")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static RunnerLocation Find()
    {
        var runner = Path.Combine(AppContext.BaseDirectory, "kata-runner.dll");
        if (!File.Exists(runner))
            throw new FileNotFoundException($"the test runner is missing: {runner} (build the solution first)", runner);
        return new RunnerLocation(FindDotnetHost(), runner);
    }

    /// <summary>The host that runs this process when it is `dotnet`, else the one beside the shared framework.</summary>
    private static string FindDotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;   // <root>/shared/Microsoft.NETCore.App/<version>
        var host = Path.GetFullPath(Path.Combine(frameworkDir, "..", "..", "..", "dotnet"));
        return File.Exists(host) ? host : throw new FileNotFoundException("cannot find the dotnet host to start the runner", host);
    }
}
