namespace KataServer.Bench.Coyote;

/// <summary>Where the repository is (its dotnet-tools.json pins the `coyote` tool) and how busy the machine is.</summary>
public static class RepositoryRoot
{
    public static string Find(string katasRoot)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(katasRoot)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "dotnet-tools.json")) || File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json")))
                return dir.FullName;
        throw new UsageException($"no dotnet-tools.json above {katasRoot}: run from the repository (it pins the coyote tool)");
    }
}

public static class Machine
{
    /// <summary>The 1-minute load average (Linux), or "unknown".</summary>
    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }
}
