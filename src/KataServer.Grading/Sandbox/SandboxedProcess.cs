using System.Diagnostics;
using System.Globalization;
using KataServer.Common;

namespace KataServer.Grading.Sandbox;

/// <summary>
/// Runs one untrusted child process under every isolation layer <see cref="SandboxCapabilities"/> found:
/// cgroups (memory, pids, cpuacct, freezer) entered by the launcher shell before exec, rlimits via prlimit,
/// bubblewrap (no network, read-only filesystem, private /tmp, uid 65534) or unshare, an empty environment,
/// wall/CPU/output limits watched from outside.
/// </summary>
public static class SandboxedProcess
{
    // $1: the grader's end of the result channel to reopen as descriptor 3 ("-" for none), then the cgroup.procs files
    // to enter, "--", the command. Runs outside the sandbox, before any of the child's code.
    private const string LauncherScript =
        "if [ \"$1\" != - ]; then exec 3>\"$1\" || exit 125; fi; shift; " +
        "for f; do if [ \"$f\" = -- ]; then break; fi; echo $$ > \"$f\" || exit 125; shift; done; shift; exec \"$@\"";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Run with the capabilities detected on this machine.</summary>
    public static Task<SandboxOutcome> RunAsync(SandboxCommand command, SandboxLimits limits, CancellationToken ct = default) =>
        RunAsync(command, limits, SandboxCapabilities.Detect(), ct);

    /// <summary>Run with an explicit capability set (e.g. <c>Detect() with { Bubblewrap = BubblewrapMode.None }</c> to use fewer layers).</summary>
    public static async Task<SandboxOutcome> RunAsync(SandboxCommand command, SandboxLimits limits, SandboxCapabilities caps, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(caps);
        limits.Validate();
        ct.ThrowIfCancellationRequested();

        var layers = new List<string>();
        string runId = "run-" + Guid.NewGuid().ToString("N");

        // Decide the sandbox layer first: it determines how many helper tasks count against pids.max.
        var bwrapMode = caps.Bubblewrap;
        int hostUid = command.HostUid ?? SandboxCapabilities.NobodyId;
        string? unreachable = null;
        if (bwrapMode == BubblewrapMode.AsNobody)
        {
            unreachable = new[] { command.Executable, command.WorkingDirectory }.Concat(command.ReadOnlyPaths)
                .FirstOrDefault(p => !ReachableBy(p, hostUid));
            if (unreachable is not null)
                bwrapMode = caps.IsRoot ? BubblewrapMode.AsGraderUid : BubblewrapMode.None;
        }
        if (limits.RequireFullIsolation && bwrapMode == BubblewrapMode.None)
            throw new SandboxUnavailableException(caps.IsFullSandbox
                ? $"refusing to run without the full sandbox: {unreachable} is not reachable by the sandbox's uid {hostUid}"
                : caps.RefusalMessage);
        bool useUnshare = bwrapMode == BubblewrapMode.None && caps.UnsharePath is not null;
        bool useSetpriv = caps.SetprivPath is not null &&
                          (bwrapMode == BubblewrapMode.AsNobody || (bwrapMode == BubblewrapMode.None && ReachableForSetpriv(command, hostUid)));
        bool useTimeout = SandboxCapabilities.FindExecutable("timeout") is not null;
        int helperTasks = (useTimeout ? 1 : 0) + (bwrapMode != BubblewrapMode.None ? 2 : 0) + (useUnshare ? 1 : 0);
        int pidsMax = limits.MaxThreads + helperTasks;

        CgroupRun? cgroups = null;
        try
        {
            if (caps.IsRoot && (caps.CgroupV2 is not null || caps.CgroupV1Memory is not null || caps.CgroupV1Pids is not null ||
                                caps.CgroupV1CpuAcct is not null || caps.CgroupV1Freezer is not null))
                cgroups = CgroupRun.Create(caps, runId, limits.MemoryBytes, pidsMax, layers);

            var argv = new List<string>();
            if (cgroups is { IsEmpty: false } || command.ResultDescriptor is not null)
            {
                argv.AddRange(new[] { "/bin/sh", "-c", LauncherScript, "kata-sandbox" });
                argv.Add(command.ResultDescriptor is { } fd ? $"/proc/{Environment.ProcessId}/fd/{fd}" : "-");
                if (cgroups is not null) argv.AddRange(cgroups.ProcsFiles);
                argv.Add("--");
                if (command.ResultDescriptor is not null) layers.Add("result channel: inherited descriptor 3, signed messages (no path)");
            }
            if (useTimeout)
            {
                // Backstop if the grader itself dies: nothing outlives its longest real time + 5 s.
                int backstop = (int)Math.Ceiling(LongestRealTime(limits, cgroups).TotalSeconds) + 5;
                argv.AddRange(new[] { SandboxCapabilities.FindExecutable("timeout")!, "--signal=KILL", backstop.ToString(CultureInfo.InvariantCulture) });
            }

            int cpuSoft = Math.Max(1, (int)Math.Ceiling(limits.CpuTime.TotalSeconds));
            bool nonRootOnHost = useSetpriv;
            bool rlimitCpu = false;
            if (caps.PrlimitPath is not null)
            {
                rlimitCpu = true;
                argv.AddRange(new[] { caps.PrlimitPath, $"--cpu={cpuSoft}:{cpuSoft + 1}", "--core=0", $"--fsize={limits.TmpfsBytes}" });
                layers.Add($"rlimit cpu {cpuSoft} s (SIGXCPU, SIGKILL at {cpuSoft + 1} s), core 0, fsize {FormatBytes(limits.TmpfsBytes)}");
                if (!(cgroups?.HasPids ?? false) && nonRootOnHost)
                {
                    // Counts every task of uid 65534 on the host: only a fallback when the pids cgroup is missing.
                    argv.Add($"--nproc={pidsMax}");
                    layers.Add($"rlimit nproc {pidsMax} (uid {hostUid})");
                }
                argv.Add("--");
            }

            string[] setprivArgs = { caps.SetprivPath ?? "setpriv", $"--reuid={hostUid}", $"--regid={hostUid}", "--clear-groups", "--" };
            if (bwrapMode != BubblewrapMode.None)
            {
                // As uid 65534 bwrap needs an unprivileged user namespace, which the probe showed works.
                if (bwrapMode == BubblewrapMode.AsNobody) argv.AddRange(setprivArgs);
                argv.Add(caps.BubblewrapPath!);
                argv.AddRange(BubblewrapArguments.Build(caps.DotnetRoot, command.ReadOnlyPaths, command.WorkingDirectory, limits.TmpfsBytes, uidMapping: true));
                layers.Add($"bubblewrap: no network, private pid/ipc/uts/mount namespaces, read-only fs, tmpfs /tmp {FormatBytes(limits.TmpfsBytes)}, " +
                           (bwrapMode == BubblewrapMode.AsNobody
                               ? (hostUid == SandboxCapabilities.NobodyId ? "uid 65534 (on the host too)" : $"uid 65534 (uid {hostUid} on the host, this run's own)")
                               : "uid 65534 inside, no capabilities (grader's uid on the host" + (unreachable is null ? ")" : $": {unreachable} is not reachable by uid 65534)")));
            }
            else
            {
                if (useUnshare)
                {
                    argv.AddRange(new[] { caps.UnsharePath!, "--net", "--pid", "--fork", "--mount-proc", "--kill-child", "--" });
                    layers.Add("unshare: no network, private pid namespace (filesystem NOT isolated)");
                }
                // setpriv comes after unshare, which needs root.
                if (useSetpriv)
                {
                    argv.AddRange(setprivArgs);
                    layers.Add($"uid {hostUid} (setpriv)");
                }
                else
                    layers.Add("uid: the grader's (no setpriv, not root, or a path is not reachable by uid 65534)");
            }
            argv.Add(command.Executable);
            argv.AddRange(command.Arguments);

            var env = BuildEnvironment(command, limits, caps, layers);
            if (useTimeout) layers.Add($"backstop: timeout -s KILL {Math.Ceiling(LongestRealTime(limits, cgroups).TotalSeconds) + 5} s");
            layers.Add($"wall {limits.WallTime.TotalSeconds:0.###} s{(cgroups is { IsEmpty: false } ? " (not counting waits for a CPU)" : "")}, output {FormatBytes(limits.MaxOutputBytes)} per stream, empty environment");

            return await RunCoreAsync(argv, env, bwrapMode == BubblewrapMode.None ? command.WorkingDirectory : "/",
                command.StandardInput, limits, cgroups, rlimitCpu, layers, ct).ConfigureAwait(false);
        }
        finally
        {
            cgroups?.DisposeInBackground();
        }
    }

    private static Dictionary<string, string> BuildEnvironment(SandboxCommand command, SandboxLimits limits, SandboxCapabilities caps, List<string> layers)
    {
        long heap = limits.MemoryBytes / 4 * 3;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = "/tmp",
            ["TMPDIR"] = "/tmp",
            ["LANG"] = "C.UTF-8",
            ["DOTNET_ROOT"] = caps.DotnetRoot,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_EnableDiagnostics"] = "0",
            // Inside bwrap /sys is absent, so the runtime cannot see the cgroup limit: tell it. 3/4, like the runtime's own cgroup default.
            ["DOTNET_GCHeapHardLimit"] = "0x" + heap.ToString("X", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in command.Environment) env[k] = v;
        layers.Add($"DOTNET_GCHeapHardLimit {FormatBytes(heap)} (managed heap; OutOfMemoryException is catchable)");
        return env;
    }

    private static async Task<SandboxOutcome> RunCoreAsync(List<string> argv, Dictionary<string, string> env, string hostWorkingDirectory,
        byte[]? standardInput, SandboxLimits limits, CgroupRun? cgroups, bool rlimitCpu, List<string> layers, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = hostWorkingDirectory,
        };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in env) psi.Environment[k] = v;

        var stdout = new BoundedCapture(limits.MaxOutputBytes);
        var stderr = new BoundedCapture(limits.MaxOutputBytes);
        var flood = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var reg = ct.Register(() => cancelled.TrySetResult());

        var sw = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.Start();
        // The run's key and inputs (assemblies: more than a pipe holds) are written while the child reads them; a child
        // that dies or stops reading only ends this write (with an error), never the watch below.
        var input = WriteInputAsync(process.StandardInput, standardInput);
        var outTask = stdout.DrainAsync(process.StandardOutput.BaseStream, limits.KillAfterOutputBytes, () => flood.TrySetResult());
        var errTask = stderr.DrainAsync(process.StandardError.BaseStream, limits.KillAfterOutputBytes, () => flood.TrySetResult());
        var exited = process.WaitForExitAsync(CancellationToken.None);

        // With a control group the wall limit counts only time its processes could run: on an overloaded
        // worker a correct run waits in the run queue (without one, the group's processes are unknown).
        var runnable = cgroups is { IsEmpty: false } ? StarvationAwareClock.ForProcesses(cgroups.Pids) : null;
        SandboxTermination? reason = null;
        while (!exited.IsCompleted)
        {
            var remaining = limits.WallTime - (runnable?.Sample() ?? sw.Elapsed);
            if (sw.Elapsed >= LongestRealTime(limits, cgroups)) remaining = TimeSpan.Zero;
            if (remaining <= TimeSpan.Zero) { reason = SandboxTermination.WallTimeout; break; }
            await Task.WhenAny(exited, flood.Task, cancelled.Task, Task.Delay(remaining < PollInterval ? remaining : PollInterval)).ConfigureAwait(false);
            if (exited.IsCompleted) break;
            if (cancelled.Task.IsCompleted) { reason = SandboxTermination.Killed; break; }
            if (flood.Task.IsCompleted) { reason = SandboxTermination.OutputLimit; break; }
            if (cgroups?.CpuTime() is { } cpu && cpu >= limits.CpuTime) { reason = SandboxTermination.CpuLimit; break; }
        }
        if (reason is not null)
            KillEverything(process, cgroups);

        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) != exited)
            KillEverything(process, cgroups);
        await exited.ConfigureAwait(false);
        var elapsed = sw.Elapsed;
        // Whatever is left in the groups (a child that escaped the tree) goes now, so the pipes close.
        cgroups?.KillAll(TimeSpan.FromSeconds(2));
        var drained = Task.WhenAll(outTask, errTask);
        if (await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false) != drained)
        {
            // A grandchild outside any group still holds the pipe: stop reading.
            process.StandardOutput.BaseStream.Dispose();
            process.StandardError.BaseStream.Dispose();
            await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        }

        if (await Task.WhenAny(input, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false) != input)
            CloseQuietly(process.StandardInput);

        int exitCode = process.ExitCode;
        int? signal = exitCode is > 128 and <= 128 + 64 ? exitCode - 128 : null;
        var cpuTime = cgroups?.CpuTime();
        long peak = cgroups?.PeakMemory() ?? 0;
        int oom = cgroups?.OomKills() ?? 0;
        bool pidsHit = (cgroups?.PidsLimitHits() ?? 0) > 0;
        string err = stderr.ToString();

        SandboxTermination termination;
        if (reason is { } r) termination = r;
        else if (oom > 0) termination = SandboxTermination.MemoryLimit;
        else if (signal == Native.SIGXCPU && rlimitCpu) termination = SandboxTermination.CpuLimit;
        else if (signal == Native.SIGKILL && rlimitCpu && (cpuTime is null || cpuTime >= limits.CpuTime * 0.9))
            termination = SandboxTermination.CpuLimit;
        else if (exitCode != 0 && err.Contains("System.OutOfMemoryException", StringComparison.Ordinal))
            termination = SandboxTermination.MemoryLimit;
        else if (pidsHit) termination = SandboxTermination.ThreadLimit;
        else termination = SandboxTermination.Exited;

        return new SandboxOutcome(exitCode, signal, termination, stdout.ToString(), err,
            stdout.Truncated || stderr.Truncated, elapsed, cpuTime ?? TimeSpan.Zero, peak, layers)
        {
            ThreadLimitHit = pidsHit,
            OomKills = oom,
        };
    }

    private static async Task WriteInputAsync(StreamWriter stdin, byte[]? bytes)
    {
        try
        {
            if (bytes is not null) await stdin.BaseStream.WriteAsync(bytes).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException) { }
        finally
        {
            CloseQuietly(stdin);
        }
    }

    private static void CloseQuietly(StreamWriter stdin)
    {
        try { stdin.Close(); }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException) { }
    }

    /// <summary>Real time a run may take: its wall time, or on a busy machine (with a control group to tell) up to 4 times that.</summary>
    private static TimeSpan LongestRealTime(SandboxLimits limits, CgroupRun? cgroups) =>
        cgroups is { IsEmpty: false } ? limits.WallTime * 4 : limits.WallTime;

    private static void KillEverything(Process process, CgroupRun? cgroups)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException) { }
        cgroups?.KillAll(TimeSpan.FromSeconds(2));
    }

    /// <summary>Can uid 65534 reach this path on the host (o+x on every directory above it, o+x or o+r on it)?</summary>
    internal static bool ReachableByOthers(string path) => ReachableBy(path, SandboxCapabilities.NobodyId);

    /// <summary>Can <paramref name="uid"/> (with no groups) reach this path on the host: x on every directory above it
    /// and x or r on it, through the owner's bits where it owns the item and the others' bits elsewhere?</summary>
    internal static bool ReachableBy(string path, int uid)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            string full = Path.GetFullPath(path);
            if (!File.Exists(full) && !Directory.Exists(full)) return true; // bwrap reports missing paths itself
            UnixFileMode Bits(string p, UnixFileMode user, UnixFileMode other) =>
                File.GetUnixFileMode(p) & (Native.OwnerOf(p) == uid ? user : other);
            var dir = Path.GetDirectoryName(full);
            while (dir is not null)
            {
                if (Bits(dir, UnixFileMode.UserExecute, UnixFileMode.OtherExecute) == 0) return false;
                dir = Path.GetDirectoryName(dir);
            }
            return Directory.Exists(full)
                ? Bits(full, UnixFileMode.UserExecute, UnixFileMode.OtherExecute) != 0
                : Bits(full, UnixFileMode.UserRead | UnixFileMode.UserExecute, UnixFileMode.OtherRead | UnixFileMode.OtherExecute) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException) { return false; }
    }

    private static bool ReachableForSetpriv(SandboxCommand command, int uid) =>
        ReachableBy(command.Executable, uid) && ReachableBy(command.WorkingDirectory, uid) && command.ReadOnlyPaths.All(p => ReachableBy(p, uid));

    internal static string FormatBytes(long bytes) =>
        bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? $"{bytes >> 30} GiB"
        : bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB"
        : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? $"{bytes >> 10} KiB"
        : $"{bytes} B";
}
