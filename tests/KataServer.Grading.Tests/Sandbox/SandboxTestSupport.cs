using KataServer.Grading.Sandbox;

namespace KataServer.Grading.Tests.Sandbox;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SandboxTestSupport
{
    public static SandboxCapabilities Caps => SandboxCapabilities.Detect();

    public static bool HasBubblewrap => Caps.Bubblewrap != BubblewrapMode.None;

    /// <summary>Small limits so a misbehaving test cannot hurt the machine.</summary>
    public static SandboxLimits Limits(double wallSeconds = 20, double cpuSeconds = 10, long memoryMiB = 256, int threads = 64, long output = 64 * 1024) =>
        new(TimeSpan.FromSeconds(wallSeconds), TimeSpan.FromSeconds(cpuSeconds), memoryMiB << 20, threads, output);

    public static SandboxCommand Sh(string script, IReadOnlyList<string>? readOnlyPaths = null,
        IReadOnlyDictionary<string, string>? env = null) =>
        new("/bin/sh", new[] { "-c", script }, env ?? new Dictionary<string, string>(), readOnlyPaths ?? Array.Empty<string>(), "/tmp");

    public static async Task<SandboxCommand> DotnetChildAsync(params string[] args)
    {
        string dll = await TestChild.DllAsync();
        return new SandboxCommand(TestChild.DotnetExe, new[] { dll }.Concat(args).ToArray(),
            new Dictionary<string, string>(), new[] { Path.GetDirectoryName(dll)! }, "/tmp");
    }

    public static string Describe(SandboxOutcome o) =>
        $"termination={o.Termination} exit={o.ExitCode} signal={o.Signal} elapsed={o.Elapsed} cpu={o.CpuTime} peak={o.PeakMemoryBytes} " +
        $"threadHit={o.ThreadLimitHit} oom={o.OomKills}\nlayers:\n  {string.Join("\n  ", o.ActiveLayers)}\nstdout: {Cut(o.Stdout)}\nstderr: {Cut(o.Stderr)}";

    private static string Cut(string s) => s.Length > 2000 ? s[..2000] + "..." : s;

    /// <summary>The layers a run must report, given what Detect() found.</summary>
    public static void AssertDetectedLayersActive(SandboxOutcome o)
    {
        var caps = Caps;
        bool Has(string prefix) => o.ActiveLayers.Any(l => l.StartsWith(prefix, StringComparison.Ordinal));
        if (caps.Bubblewrap != BubblewrapMode.None) Assert.True(Has("bubblewrap:"), Describe(o));
        if (caps.CgroupV1Memory is not null) Assert.True(Has("cgroup v1 memory"), Describe(o));
        if (caps.CgroupV1Pids is not null) Assert.True(Has("cgroup v1 pids"), Describe(o));
        if (caps.CgroupV2 is not null) Assert.True(Has("cgroup v2 memory"), Describe(o));
        if (caps.PrlimitPath is not null) Assert.True(Has("rlimit cpu"), Describe(o));
        Assert.True(Has("DOTNET_GCHeapHardLimit"), Describe(o));
    }
}
