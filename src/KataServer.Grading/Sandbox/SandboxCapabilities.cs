using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KataServer.Grading.Sandbox;

/// <summary>How bubblewrap is started.</summary>
public enum BubblewrapMode
{
    /// <summary>No bubblewrap.</summary>
    None,
    /// <summary>bwrap is started by setpriv as uid/gid 65534 and maps 65534 into its user namespace:
    /// the child is uid 65534 on the host too, so RLIMIT_NPROC is enforced and host files are not owned by it.</summary>
    AsNobody,
    /// <summary>bwrap is started with the grader's uid; inside the child is uid 65534 without capabilities,
    /// on the host its files and rlimits count against the grader's uid (root here).</summary>
    AsGraderUid,
}

/// <summary>
/// Which isolation layers work on this machine, found by actually trying each once
/// (bwrap and unshare run /bin/true, a child cgroup is created and removed, prlimit and setpriv run /bin/true).
/// </summary>
public sealed record SandboxCapabilities
{
    public const int NobodyId = 65534;

    /// <summary>Absolute path of bwrap, null when not installed (installed but not working: set, with <see cref="Bubblewrap"/> None).</summary>
    public string? BubblewrapPath { get; init; }
    public BubblewrapMode Bubblewrap { get; init; }
    /// <summary>unshare --net --pid --fork --mount-proc works (fallback when bubblewrap does not).</summary>
    public string? UnsharePath { get; init; }
    public string? PrlimitPath { get; init; }
    /// <summary>setpriv can switch to uid 65534 (we are root and the binary exists).</summary>
    public string? SetprivPath { get; init; }
    public bool IsRoot { get; init; }

    /// <summary>cgroup v1 mount points of each controller that is writable (a child group could be created), null otherwise.</summary>
    public string? CgroupV1Memory { get; init; }
    public string? CgroupV1Pids { get; init; }
    public string? CgroupV1CpuAcct { get; init; }
    public string? CgroupV1Freezer { get; init; }
    /// <summary>memory.memsw.* exist (swap accounting): memsw is limited too.</summary>
    public bool CgroupV1MemSw { get; init; }

    /// <summary>cgroup v2 mount point where memory and pids controllers could be enabled for a child group, null otherwise.</summary>
    public string? CgroupV2 { get; init; }

    /// <summary>Root of the .NET install the grader runs on (DOTNET_ROOT of the child), e.g. /usr/share/dotnet.</summary>
    public string DotnetRoot { get; init; } = "";

    /// <summary>Name of the per-grader group created under each cgroup hierarchy.</summary>
    public string CgroupGroupName { get; init; } = "kataserver";

    /// <summary>What the probes found, one line each (for logs and the CLI's doctor command).</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    /// <summary>Everything grading requires is here: bubblewrap works (mount, pid, network, user and ipc namespaces,
    /// a private size-limited /tmp). Control groups are used where the machine has them, and are not required.</summary>
    public bool IsFullSandbox => Bubblewrap != BubblewrapMode.None;

    /// <summary>What keeps the full sandbox from working, one line each (empty when <see cref="IsFullSandbox"/>).</summary>
    public IReadOnlyList<string> Missing => IsFullSandbox ? Array.Empty<string>()
        : !OperatingSystem.IsLinux() ? new[] { "the sandbox needs Linux namespaces; this is not Linux" }
        : BubblewrapPath is null ? new[] { "bubblewrap is not installed (apt-get install bubblewrap)" }
        : new[] { "bubblewrap cannot create its namespaces here: " + (Notes.LastOrDefault(n => n.StartsWith("bwrap", StringComparison.Ordinal)) ?? "probe failed") };

    /// <summary>The one line a host shows when it refuses to grade without the full sandbox.</summary>
    public string RefusalMessage =>
        $"refusing to run submissions without the full sandbox: {string.Join("; ", Missing)}. " +
        "On a trusted development machine only, `kata grade --unsafe-sandbox` (GraderOptions.UnsafeSandbox) runs them anyway.";

    public bool AnyCgroupMemory => CgroupV1Memory is not null || CgroupV2 is not null;
    public bool AnyCgroupPids => CgroupV1Pids is not null || CgroupV2 is not null;

    /// <summary>A capability set with nothing (plain child process, empty environment, output limits and wall time only).</summary>
    public static SandboxCapabilities None { get; } = new() { DotnetRoot = FindDotnetRoot() };

    private static readonly Lazy<SandboxCapabilities> Cached = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Probe once per process (about 50-100 ms) and cache.</summary>
    public static SandboxCapabilities Detect() => Cached.Value;

    /// <summary>Probe again, without the cache.</summary>
    public static SandboxCapabilities Probe()
    {
        var notes = new List<string>();
        var caps = new SandboxCapabilities { DotnetRoot = FindDotnetRoot() };
        if (!OperatingSystem.IsLinux())
        {
            notes.Add("not Linux: no isolation layers");
            return caps with { Notes = notes };
        }

        bool isRoot = Native.geteuid() == 0;
        caps = caps with { IsRoot = isRoot };

        string? setpriv = FindExecutable("setpriv");
        if (setpriv is not null && isRoot && TryRun(notes, "setpriv", setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--", "/bin/true"))
            caps = caps with { SetprivPath = setpriv };
        else
            notes.Add(isRoot ? "setpriv: unavailable" : "setpriv: not root, child keeps the grader's uid");

        string? prlimit = FindExecutable("prlimit");
        if (prlimit is not null && TryRun(notes, "prlimit", prlimit, "--cpu=100:101", "--core=0", "--fsize=1048576", "--", "/bin/true"))
            caps = caps with { PrlimitPath = prlimit };
        else
            notes.Add("prlimit: unavailable");

        string? bwrap = FindExecutable("bwrap");
        if (bwrap is not null)
        {
            var probeArgs = BubblewrapArguments.Build(caps.DotnetRoot, Array.Empty<string>(), "/", 1024 * 1024, uidMapping: true)
                .Append("/bin/true").ToArray();
            if (caps.SetprivPath is not null &&
                TryRun(notes, "bwrap as uid 65534", caps.SetprivPath,
                    new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", bwrap }.Concat(probeArgs).ToArray()))
                caps = caps with { BubblewrapPath = bwrap, Bubblewrap = BubblewrapMode.AsNobody };
            else if (TryRun(notes, "bwrap", bwrap, probeArgs))
                caps = caps with { BubblewrapPath = bwrap, Bubblewrap = BubblewrapMode.AsGraderUid };
            else
                caps = caps with { BubblewrapPath = bwrap };
        }
        else
            notes.Add("bwrap: not installed (apt-get install bubblewrap)");
        if (caps.Bubblewrap != BubblewrapMode.None)
            notes.Add($"bwrap: works ({caps.Bubblewrap})");

        string? unshare = FindExecutable("unshare");
        if (unshare is not null && isRoot &&
            TryRun(notes, "unshare", unshare, "--net", "--pid", "--fork", "--mount-proc", "--kill-child", "--", "/bin/true"))
            caps = caps with { UnsharePath = unshare };

        if (isRoot)
            caps = Cgroups.Probe(caps, notes);
        else
            notes.Add("cgroups: not root, not used");

        return caps with { Notes = notes };
    }

    /// <summary>Human-readable summary, one line per layer.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Notes);

    internal static string FindDotnetRoot()
    {
        // .../shared/Microsoft.NETCore.App/<version>/ -> root
        string runtimeDir = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        var root = Directory.GetParent(runtimeDir)?.Parent?.Parent;
        if (root is not null && File.Exists(Path.Combine(root.FullName, "dotnet")))
            return root.FullName;
        string? processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileName(processPath) == "dotnet")
            return Path.GetDirectoryName(Path.GetFullPath(processPath)) ?? "/usr/share/dotnet";
        return "/usr/share/dotnet";
    }

    internal static string? FindExecutable(string name)
    {
        foreach (var dir in new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin" })
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static bool TryRun(List<string> notes, string what, string exe, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = "/",
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment.Clear();
            psi.Environment["PATH"] = "/usr/bin:/bin";
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var err = p.StandardError.ReadToEndAsync();
            var outp = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(10_000))
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                notes.Add($"{what}: probe timed out");
                return false;
            }
            if (p.ExitCode == 0) return true;
            string e = err.Wait(1000) ? err.Result.Trim() : "";
            notes.Add($"{what}: probe failed (exit {p.ExitCode}) {Truncate(e, 200)}");
            return false;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            notes.Add($"{what}: probe failed: {ex.Message}");
            return false;
        }
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "...";
}
