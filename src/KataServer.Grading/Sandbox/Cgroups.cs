using System.Globalization;

namespace KataServer.Grading.Sandbox;

/// <summary>Detection of writable cgroup controllers (v1 memory/pids/cpuacct/freezer, or v2 with memory+pids).</summary>
internal static class Cgroups
{
    internal static SandboxCapabilities Probe(SandboxCapabilities caps, List<string> notes)
    {
        List<(string MountPoint, string FsType, string[] Options)> mounts;
        try { mounts = ReadCgroupMounts(); }
        catch (IOException ex) { notes.Add($"cgroups: cannot read mountinfo: {ex.Message}"); return caps; }

        string? V1(string controller, string probeFile)
        {
            var m = mounts.FirstOrDefault(x => x.FsType == "cgroup" && x.Options.Contains(controller));
            if (m.MountPoint is null) { notes.Add($"cgroup v1 {controller}: not mounted"); return null; }
            string group = Path.Combine(m.MountPoint, caps.CgroupGroupName);
            string probe = Path.Combine(group, "probe-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(probe);
                if (!File.Exists(Path.Combine(probe, probeFile)))
                {
                    notes.Add($"cgroup v1 {controller}: {probeFile} missing");
                    return null;
                }
                if (controller == "memory")
                    File.WriteAllText(Path.Combine(probe, "memory.limit_in_bytes"), (64L << 20).ToString(CultureInfo.InvariantCulture));
                if (controller == "pids")
                    File.WriteAllText(Path.Combine(probe, "pids.max"), "16");
                notes.Add($"cgroup v1 {controller}: writable at {group}");
                return m.MountPoint;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                notes.Add($"cgroup v1 {controller}: not writable ({ex.Message})");
                return null;
            }
            finally
            {
                TryRemoveDir(probe);
                RemoveStaleRuns(group);
            }
        }

        caps = caps with
        {
            CgroupV1Memory = V1("memory", "memory.limit_in_bytes"),
            CgroupV1Pids = V1("pids", "pids.max"),
            CgroupV1CpuAcct = V1("cpuacct", "cpuacct.usage"),
            CgroupV1Freezer = V1("freezer", "freezer.state"),
        };
        if (caps.CgroupV1Memory is not null)
            caps = caps with { CgroupV1MemSw = File.Exists(Path.Combine(caps.CgroupV1Memory, "memory.memsw.limit_in_bytes")) };

        // cgroup v2: only when v1 did not give us memory and pids (never mix hierarchies for one controller).
        if (caps.CgroupV1Memory is null || caps.CgroupV1Pids is null)
        {
            var v2 = mounts.FirstOrDefault(x => x.FsType == "cgroup2");
            if (v2.MountPoint is null) notes.Add("cgroup v2: not mounted");
            else caps = caps with { CgroupV2 = ProbeV2(v2.MountPoint, caps.CgroupGroupName, notes) };
            if (caps.CgroupV2 is not null)
                caps = caps with { CgroupV1Memory = null, CgroupV1Pids = null, CgroupV1CpuAcct = null, CgroupV1Freezer = null, CgroupV1MemSw = false };
        }
        else
            notes.Add("cgroup v2: not needed (v1 memory and pids work)");
        return caps;
    }

    private static string? ProbeV2(string mount, string groupName, List<string> notes)
    {
        try
        {
            var controllers = File.ReadAllText(Path.Combine(mount, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!controllers.Contains("memory") || !controllers.Contains("pids"))
            {
                notes.Add($"cgroup v2 at {mount}: no memory/pids controllers (has: {string.Join(' ', controllers)})");
                return null;
            }
            string group = Path.Combine(mount, groupName);
            File.WriteAllText(Path.Combine(mount, "cgroup.subtree_control"), "+memory +pids");
            Directory.CreateDirectory(group);
            File.WriteAllText(Path.Combine(group, "cgroup.subtree_control"), "+memory +pids");
            string probe = Path.Combine(group, "probe-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(probe);
                File.WriteAllText(Path.Combine(probe, "memory.max"), (64L << 20).ToString(CultureInfo.InvariantCulture));
                File.WriteAllText(Path.Combine(probe, "pids.max"), "16");
            }
            finally { TryRemoveDir(probe); RemoveStaleRuns(group); }
            notes.Add($"cgroup v2: memory and pids writable at {group}");
            return mount;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            notes.Add($"cgroup v2 at {mount}: not usable ({ex.Message})");
            return null;
        }
    }

    private static List<(string, string, string[])> ReadCgroupMounts()
    {
        var result = new List<(string, string, string[])>();
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            int sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0) continue;
            var left = line[..sep].Split(' ');
            var right = line[(sep + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3) continue;
            if (right[0] is not ("cgroup" or "cgroup2")) continue;
            result.Add((left[4].Replace("\\040", " "), right[0], right[2].Split(',')));
        }
        return result;
    }

    /// <summary>Remove run groups older than an hour that a crashed grader left behind (rmdir fails while tasks remain).</summary>
    private static void RemoveStaleRuns(string group)
    {
        try
        {
            if (!Directory.Exists(group)) return;
            foreach (var d in Directory.GetDirectories(group, "run-*"))
                if (Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow.AddHours(-1))
                    TryRemoveDir(d);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    internal static bool TryRemoveDir(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir); return true; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return false; }
    }
}

/// <summary>The cgroups of one run: created before the child starts, removed after it ended.</summary>
internal sealed class CgroupRun : IDisposable
{
    private readonly List<string> _dirs = new();
    private string? _memory, _pids, _cpuacct, _freezer, _v2;

    /// <summary>cgroup.procs files the launcher must write its own pid into before exec.</summary>
    internal IReadOnlyList<string> ProcsFiles => _dirs.Select(d => Path.Combine(d, "cgroup.procs")).ToList();
    internal bool IsEmpty => _dirs.Count == 0;
    internal bool HasCpuAccounting => _cpuacct is not null || _v2 is not null;
    internal bool HasMemory => _memory is not null || _v2 is not null;
    internal bool HasPids => _pids is not null || _v2 is not null;

    internal static CgroupRun Create(SandboxCapabilities caps, string runId, long memoryBytes, int pidsMax, List<string> layers)
    {
        var run = new CgroupRun();
        try
        {
            string Make(string mount)
            {
                string dir = Path.Combine(mount, caps.CgroupGroupName, runId);
                Directory.CreateDirectory(dir);
                run._dirs.Add(dir);
                return dir;
            }
            string mem = memoryBytes.ToString(CultureInfo.InvariantCulture);
            if (caps.CgroupV2 is not null)
            {
                run._v2 = Make(caps.CgroupV2);
                File.WriteAllText(Path.Combine(run._v2, "memory.max"), mem);
                if (File.Exists(Path.Combine(run._v2, "memory.swap.max")))
                    File.WriteAllText(Path.Combine(run._v2, "memory.swap.max"), "0");
                File.WriteAllText(Path.Combine(run._v2, "pids.max"), pidsMax.ToString(CultureInfo.InvariantCulture));
                layers.Add($"cgroup v2 memory {SandboxedProcess.FormatBytes(memoryBytes)}");
                layers.Add($"cgroup v2 pids {pidsMax}");
                return run;
            }
            if (caps.CgroupV1Memory is not null)
            {
                run._memory = Make(caps.CgroupV1Memory);
                File.WriteAllText(Path.Combine(run._memory, "memory.limit_in_bytes"), mem);
                if (caps.CgroupV1MemSw)
                    File.WriteAllText(Path.Combine(run._memory, "memory.memsw.limit_in_bytes"), mem);
                layers.Add($"cgroup v1 memory {SandboxedProcess.FormatBytes(memoryBytes)}{(caps.CgroupV1MemSw ? " (+memsw)" : "")}");
            }
            if (caps.CgroupV1Pids is not null)
            {
                run._pids = Make(caps.CgroupV1Pids);
                File.WriteAllText(Path.Combine(run._pids, "pids.max"), pidsMax.ToString(CultureInfo.InvariantCulture));
                layers.Add($"cgroup v1 pids {pidsMax}");
            }
            if (caps.CgroupV1CpuAcct is not null)
            {
                run._cpuacct = Make(caps.CgroupV1CpuAcct);
                layers.Add("cgroup v1 cpuacct (total CPU of the run)");
            }
            if (caps.CgroupV1Freezer is not null)
            {
                run._freezer = Make(caps.CgroupV1Freezer);
                layers.Add("cgroup v1 freezer (atomic kill)");
            }
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Total CPU time of all tasks of the run, or null when not measured.</summary>
    internal TimeSpan? CpuTime()
    {
        try
        {
            if (_cpuacct is not null)
                return TimeSpan.FromTicks(long.Parse(File.ReadAllText(Path.Combine(_cpuacct, "cpuacct.usage")).Trim(), CultureInfo.InvariantCulture) / 100);
            if (_v2 is not null)
            {
                long? usec = ReadKeyed(Path.Combine(_v2, "cpu.stat"), "usage_usec");
                return usec is null ? null : TimeSpan.FromMicroseconds(usec.Value);
            }
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException) { }
        return null;
    }

    internal long PeakMemory()
    {
        try
        {
            if (_memory is not null) return ReadLong(Path.Combine(_memory, "memory.max_usage_in_bytes"));
            if (_v2 is not null && File.Exists(Path.Combine(_v2, "memory.peak"))) return ReadLong(Path.Combine(_v2, "memory.peak"));
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException) { }
        return 0;
    }

    internal int OomKills()
    {
        try
        {
            if (_memory is not null) return (int)(ReadKeyed(Path.Combine(_memory, "memory.oom_control"), "oom_kill") ?? 0);
            if (_v2 is not null) return (int)(ReadKeyed(Path.Combine(_v2, "memory.events"), "oom_kill") ?? 0);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>How often a fork/clone failed on pids.max.</summary>
    internal long PidsLimitHits()
    {
        try
        {
            string? dir = _pids ?? _v2;
            if (dir is not null) return ReadKeyed(Path.Combine(dir, "pids.events"), "max") ?? 0;
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>Pids of every task still in the run's groups.</summary>
    internal HashSet<int> Pids()
    {
        var pids = new HashSet<int>();
        foreach (var d in _dirs)
        {
            try
            {
                foreach (var line in File.ReadAllLines(Path.Combine(d, "cgroup.procs")))
                    if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) pids.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        return pids;
    }

    /// <summary>Kill every task of the run: freeze (so nothing can fork meanwhile), SIGKILL all, thaw; repeat until empty.</summary>
    internal void KillAll(TimeSpan timeout)
    {
        if (IsEmpty) return;
        var deadline = DateTime.UtcNow + timeout;
        if (_v2 is not null && File.Exists(Path.Combine(_v2, "cgroup.kill")))
            TryWrite(Path.Combine(_v2, "cgroup.kill"), "1");
        if (_freezer is not null)
        {
            TryWrite(Path.Combine(_freezer, "freezer.state"), "FROZEN");
            while (DateTime.UtcNow < deadline && TryRead(Path.Combine(_freezer, "freezer.state")) is "FREEZING")
                Thread.Sleep(5);
        }
        foreach (var pid in Pids()) Native.Kill(pid);
        if (_freezer is not null) TryWrite(Path.Combine(_freezer, "freezer.state"), "THAWED");
        while (DateTime.UtcNow < deadline)
        {
            var pids = Pids();
            if (pids.Count == 0) return;
            foreach (var pid in pids) Native.Kill(pid);
            Thread.Sleep(10);
        }
    }

    /// <summary>Kill what is left and remove the groups (synchronously; see <see cref="DisposeInBackground"/>).</summary>
    public void Dispose()
    {
        KillAll(TimeSpan.FromSeconds(3));
        RemoveDirectories();
    }

    /// <summary>Kill what is left now; remove the (then empty) groups on the thread pool, off the run's critical path
    /// (rmdir of a v1 memory group waits for the kernel, a few ms each).</summary>
    internal void DisposeInBackground()
    {
        KillAll(TimeSpan.FromSeconds(3));
        if (IsEmpty) return;
        _ = Task.Run(RemoveDirectories);
    }

    private void RemoveDirectories()
    {
        for (int i = _dirs.Count - 1; i >= 0; i--)
        {
            // A killed task can take a moment to leave the group.
            for (int attempt = 0; attempt < 500 && !Cgroups.TryRemoveDir(_dirs[i]); attempt++)
                Thread.Sleep(5);
        }
        _dirs.Clear();
    }

    private static long ReadLong(string path) => long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);

    private static long? ReadKeyed(string path, string key)
    {
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key) return long.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        return null;
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    private static void TryWrite(string path, string value)
    {
        try { File.WriteAllText(path, value); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }
}
