namespace KataServer.Grading.Sandbox;

/// <summary>What to run inside the sandbox.</summary>
/// <param name="Executable">Absolute path of the program (inside the sandbox the same path is visible).</param>
/// <param name="Arguments">Arguments, passed verbatim (no shell).</param>
/// <param name="Environment">The ONLY variables the child gets besides a minimal base (PATH, HOME, LANG, DOTNET_*).</param>
/// <param name="ReadOnlyPaths">Host paths bound read-only at the same path inside the sandbox (the runner's assemblies, the dotnet root...).
/// For the strongest mode (bubblewrap started as uid 65534) they must be reachable by "other" (o+x on every parent dir).</param>
/// <param name="WorkingDirectory">Working directory of the child; should be one of <paramref name="ReadOnlyPaths"/> or /tmp.</param>
public sealed record SandboxCommand(
    string Executable,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> ReadOnlyPaths,
    string WorkingDirectory)
{
    /// <summary>A command with no extra environment, no extra binds and /tmp as working directory.</summary>
    public static SandboxCommand Create(string executable, params string[] arguments) =>
        new(executable, arguments, new Dictionary<string, string>(), Array.Empty<string>(), "/tmp");

    /// <summary>A descriptor of the grader's process (the write end of a pipe) that the child gets as its descriptor 3,
    /// reopened by the launcher through /proc (see <see cref="ResultChannel"/>); null for none.</summary>
    public int? ResultDescriptor { get; init; }

    /// <summary>Written to the child's standard input, which is then closed (the run's key and its inputs: never in the
    /// environment, a file or an argument).</summary>
    public byte[]? StandardInput { get; init; }

    /// <summary>The uid (and gid) the child runs as on the host when the grader is root; 65534 when null.
    /// A job gets its own, so no other job's process can read its files even outside the mount namespace.</summary>
    public int? HostUid { get; init; }
}

/// <summary>The full sandbox is not available and the caller did not opt out: nothing was run.</summary>
public sealed class SandboxUnavailableException(string message) : Exception(message);

/// <summary>Limits for one run. Every limit is enforced from outside the child.</summary>
/// <param name="WallTime">Time before the whole process tree is killed. With a control group, time its processes spent
/// waiting for a CPU (an overloaded machine) is not counted, up to 4 times this in real time.</param>
/// <param name="CpuTime">CPU time (user+system, all processes of the run when cgroup cpuacct is available, per process via RLIMIT_CPU otherwise).</param>
/// <param name="MemoryBytes">Memory of the whole run (cgroup), and the basis of DOTNET_GCHeapHardLimit.</param>
/// <param name="MaxThreads">Tasks (threads + processes) the child may have at once.</param>
/// <param name="MaxOutputBytes">Bytes kept of stdout and of stderr each; the rest is drained and discarded.</param>
public sealed record SandboxLimits(
    TimeSpan WallTime,
    TimeSpan CpuTime,
    long MemoryBytes,
    int MaxThreads,
    long MaxOutputBytes)
{
    /// <summary>30 s wall, 20 s CPU, 512 MiB, 256 threads, 64 KiB of output per stream.</summary>
    public static SandboxLimits Default { get; } = new(
        TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20), 512L * 1024 * 1024, 256, 64 * 1024);

    /// <summary>
    /// When one stream has produced more than this many bytes (kept + discarded) the run is killed and
    /// classified <see cref="SandboxTermination.OutputLimit"/>. Null: never kill for output, only truncate.
    /// Default: 64 times <see cref="MaxOutputBytes"/> but at least 1 MiB (4 MiB at the defaults); computed when the
    /// record is constructed, so set it again after <c>with { MaxOutputBytes = ... }</c> if it matters.
    /// </summary>
    public long? KillAfterOutputBytes { get; init; } = Math.Max(MaxOutputBytes * 64, 1L << 20);

    /// <summary>Size of the private tmpfs mounted at /tmp inside bubblewrap (also RLIMIT_FSIZE).</summary>
    public long TmpfsBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Refuse (<see cref="SandboxUnavailableException"/>) rather than run without bubblewrap's namespaces
    /// (mount, pid, network, user) and private size-limited /tmp. The grader sets it unless told the machine is trusted.</summary>
    public bool RequireFullIsolation { get; init; }

    internal void Validate()
    {
        if (WallTime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(WallTime));
        if (CpuTime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CpuTime));
        if (MemoryBytes < 16 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(MemoryBytes), "at least 16 MiB");
        if (MaxThreads < 1) throw new ArgumentOutOfRangeException(nameof(MaxThreads));
        if (MaxOutputBytes < 0) throw new ArgumentOutOfRangeException(nameof(MaxOutputBytes));
        if (TmpfsBytes < 64 * 1024) throw new ArgumentOutOfRangeException(nameof(TmpfsBytes));
    }
}

/// <summary>Why the run ended. When several apply, the most specific external cause wins:
/// WallTimeout, Killed (cancelled), MemoryLimit, CpuLimit, OutputLimit, ThreadLimit, Exited.</summary>
public enum SandboxTermination
{
    /// <summary>The child exited (or died of a signal) on its own and no limit was hit.</summary>
    Exited,
    /// <summary>Wall time expired; the whole tree was killed.</summary>
    WallTimeout,
    /// <summary>CPU time limit: SIGXCPU/SIGKILL from RLIMIT_CPU, or cgroup cpuacct usage over the limit.</summary>
    CpuLimit,
    /// <summary>cgroup OOM kill, or an unhandled OutOfMemoryException (GC heap hard limit).</summary>
    MemoryLimit,
    /// <summary>The pids limit was hit at least once (cgroup pids.events "max" &gt; 0).</summary>
    ThreadLimit,
    /// <summary>Output beyond <see cref="SandboxLimits.KillAfterOutputBytes"/>; the tree was killed.</summary>
    OutputLimit,
    /// <summary>Killed because the caller cancelled.</summary>
    Killed,
}

/// <summary>The result of one sandboxed run.</summary>
/// <param name="ExitCode">Exit code as seen by the grader (128+N when the child died of signal N, as bubblewrap and sh report it).</param>
/// <param name="Signal">Signal that ended the child, derived from an exit code in 129..192; null otherwise.</param>
/// <param name="CpuTime">From cgroup cpuacct when available; TimeSpan.Zero when it could not be measured.</param>
/// <param name="PeakMemoryBytes">From cgroup memory.max_usage_in_bytes / memory.peak; 0 when it could not be measured.</param>
/// <param name="ActiveLayers">Human-readable list of the isolation layers that were actually applied to this run.</param>
public sealed record SandboxOutcome(
    int? ExitCode,
    int? Signal,
    SandboxTermination Termination,
    string Stdout,
    string Stderr,
    bool OutputTruncated,
    TimeSpan Elapsed,
    TimeSpan CpuTime,
    long PeakMemoryBytes,
    IReadOnlyList<string> ActiveLayers)
{
    /// <summary>True when the pids limit was hit during the run, even if another termination reason won.</summary>
    public bool ThreadLimitHit { get; init; }

    /// <summary>Number of OOM kills in the run's memory cgroup.</summary>
    public int OomKills { get; init; }
}
