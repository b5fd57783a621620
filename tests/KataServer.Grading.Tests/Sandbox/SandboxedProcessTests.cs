using System.Net;
using System.Net.Sockets;
using KataServer.Grading.Sandbox;
using Xunit.Abstractions;
using static KataServer.Grading.Tests.Sandbox.SandboxTestSupport;

namespace KataServer.Grading.Tests.Sandbox;

/// <summary>Real processes, no mocks: shell commands under the full sandbox this machine offers.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SandboxedProcessTests(ITestOutputHelper output)
{
    private async Task<SandboxOutcome> Run(SandboxCommand command, SandboxLimits limits, SandboxCapabilities? caps = null, CancellationToken ct = default)
    {
        var o = await SandboxedProcess.RunAsync(command, limits, caps ?? Caps, ct);
        output.WriteLine(Describe(o));
        return o;
    }

    [Fact]
    public async Task Runs_a_command_and_reports_layers()
    {
        var o = await Run(Sh("echo hello; echo err >&2; exit 3"), Limits());
        Assert.Equal(SandboxTermination.Exited, o.Termination);
        Assert.Equal(3, o.ExitCode);
        Assert.Null(o.Signal);
        Assert.Equal("hello\n", o.Stdout);
        Assert.Equal("err\n", o.Stderr);
        Assert.False(o.OutputTruncated);
        AssertDetectedLayersActive(o);
    }

    [Fact]
    public async Task Child_runs_as_uid_65534_when_a_uid_layer_exists()
    {
        var o = await Run(Sh("id -u; id -g"), Limits());
        Assert.Equal(0, o.ExitCode);
        if (Caps.Bubblewrap != BubblewrapMode.None || Caps.SetprivPath is not null)
            Assert.Equal("65534\n65534\n", o.Stdout);
    }

    [Fact]
    public async Task Wall_timeout_kills_sleep_promptly()
    {
        var o = await Run(Sh("sleep 100 & sleep 100; echo never"), Limits(wallSeconds: 1));
        Assert.Equal(SandboxTermination.WallTimeout, o.Termination);
        Assert.True(o.Elapsed < TimeSpan.FromSeconds(15), o.Elapsed.ToString());
        Assert.DoesNotContain("never", o.Stdout);
    }

    [Fact]
    public async Task Cpu_limit_stops_a_busy_loop()
    {
        var o = await Run(Sh("while :; do :; done"), Limits(wallSeconds: 60, cpuSeconds: 1));
        Assert.Equal(SandboxTermination.CpuLimit, o.Termination);
        if (Caps.CgroupV1CpuAcct is not null || Caps.CgroupV2 is not null)
            Assert.True(o.CpuTime >= TimeSpan.FromSeconds(0.5), o.CpuTime.ToString()); // RLIMIT_CPU is tick-based, cpuacct is not
    }

    [Fact]
    public async Task Cpu_limit_counts_all_processes_of_the_run()
    {
        if (Caps.CgroupV1CpuAcct is null && Caps.CgroupV2 is null) return; // RLIMIT_CPU alone is per process
        var o = await Run(Sh("(while :; do :; done) & (while :; do :; done) & wait"), Limits(wallSeconds: 60, cpuSeconds: 1));
        Assert.Equal(SandboxTermination.CpuLimit, o.Termination);
    }

    [Fact]
    public async Task Memory_hog_is_stopped_and_classified()
    {
        if (!Caps.AnyCgroupMemory) return; // without a memory cgroup only the .NET heap limit exists (see DotnetChildTests)
        var o = await Run(Sh("head -c 1G /dev/zero | tail"), Limits(memoryMiB: 64));
        Assert.Equal(SandboxTermination.MemoryLimit, o.Termination);
        Assert.True(o.OomKills > 0);
        Assert.True(o.PeakMemoryBytes > 32L << 20, o.PeakMemoryBytes.ToString());
        Assert.True(o.PeakMemoryBytes <= 64L << 20, o.PeakMemoryBytes.ToString());
    }

    [Fact]
    public async Task Fork_bomb_is_contained_and_the_host_is_fine_afterwards()
    {
        if (!Caps.AnyCgroupPids && Caps.SetprivPath is null) return; // no pids layer at all
        var o = await Run(Sh("i=0; while [ $i -lt 500 ]; do sleep 5 & i=$((i+1)); done; echo done"), Limits(wallSeconds: 10, threads: 16));
        Assert.True(o.ThreadLimitHit || o.Stderr.Contains("fork", StringComparison.OrdinalIgnoreCase), Describe(o));
        if (Caps.AnyCgroupPids)
        {
            Assert.Equal(SandboxTermination.ThreadLimit, o.Termination);
            Assert.True(o.ThreadLimitHit);
        }
        // Nothing is left behind: no cgroup of the run, no sleeping process of uid 65534 started by it, and we can still fork.
        var after = await Run(Sh("echo alive"), Limits());
        Assert.Equal("alive\n", after.Stdout);
        foreach (var mount in new[] { Caps.CgroupV1Memory, Caps.CgroupV1Pids, Caps.CgroupV1CpuAcct, Caps.CgroupV1Freezer, Caps.CgroupV2 })
            if (mount is not null)
                Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(mount, Caps.CgroupGroupName), "run-*"), HoldsLeakedSleeps);
    }

    // Other test classes run in parallel with their own live run groups, which vanish while we look;
    // a leaked group of this test would still hold "sleep" processes.
    private static bool HoldsLeakedSleeps(string dir)
    {
        try
        {
            return File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Any(pid =>
                File.Exists($"/proc/{pid}/comm") && File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // removed meanwhile
        }
    }

    [Fact]
    public async Task Without_a_pids_cgroup_rlimit_nproc_bounds_a_fork_bomb()
    {
        if (Caps.SetprivPath is null || Caps.PrlimitPath is null) return; // RLIMIT_NPROC needs a non-root uid
        var caps = Caps with { CgroupV1Pids = null, CgroupV2 = null };
        var o = await Run(Sh("i=0; while [ $i -lt 500 ]; do sleep 5 & i=$((i+1)); done; echo done"), Limits(wallSeconds: 10, threads: 16), caps);
        Assert.Contains(o.ActiveLayers, l => l.StartsWith("rlimit nproc", StringComparison.Ordinal));
        Assert.DoesNotContain("done", o.Stdout);
        Assert.NotEqual(SandboxTermination.WallTimeout, o.Termination);
    }

    [Fact]
    public async Task Output_flood_is_truncated_and_killed()
    {
        var o = await Run(Sh("yes"), Limits(wallSeconds: 20, output: 1000));
        Assert.Equal(SandboxTermination.OutputLimit, o.Termination);
        Assert.True(o.OutputTruncated);
        Assert.Equal(1000, o.Stdout.Length);
        Assert.StartsWith("y\ny\n", o.Stdout);
    }

    [Fact]
    public async Task Output_beyond_the_limit_is_drained_without_blocking_the_child()
    {
        // 2 MB on each stream, far more than a pipe buffer, with a 1000-byte limit and no flood kill: the child must finish.
        var limits = Limits(output: 1000) with { KillAfterOutputBytes = null };
        var o = await Run(Sh("head -c 2000000 /dev/zero | tr '\\0' a; head -c 2000000 /dev/zero | tr '\\0' b >&2; echo finished >&2; exit 7"), limits);
        Assert.Equal(SandboxTermination.Exited, o.Termination);
        Assert.Equal(7, o.ExitCode);
        Assert.True(o.OutputTruncated);
        Assert.Equal(new string('a', 1000), o.Stdout);
        Assert.Equal(new string('b', 1000), o.Stderr);
    }

    [Fact]
    public async Task Grader_environment_never_reaches_the_child()
    {
        Environment.SetEnvironmentVariable("KATA_CANARY", "canary-" + Guid.NewGuid());
        var env = new Dictionary<string, string> { ["KATA_PASSED"] = "yes" };
        var o = await Run(Sh("env", env: env), Limits());
        Assert.Equal(0, o.ExitCode);
        Assert.DoesNotContain("KATA_CANARY", o.Stdout);
        Assert.DoesNotContain("canary-", o.Stdout);
        var vars = o.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')[0]).ToHashSet();
        Assert.Contains("KATA_PASSED", vars);
        Assert.Contains("HOME", vars);
        Assert.Contains("DOTNET_GCHeapHardLimit", vars);
        Assert.Contains("DOTNET_EnableDiagnostics", vars);
        // Nothing of the grader's own environment besides what we set (e.g. the test host's DOTNET_ or XUNIT variables).
        var allowed = new HashSet<string> { "PATH", "HOME", "TMPDIR", "LANG", "PWD", "SHLVL", "OLDPWD", "KATA_PASSED" };
        Assert.All(vars, v => Assert.True(allowed.Contains(v) || v.StartsWith("DOTNET_", StringComparison.Ordinal), v));
        Assert.Contains("DOTNET_GCHeapHardLimit=0xC000000", o.Stdout); // 3/4 of 256 MiB
    }

    [Fact]
    public async Task Canary_is_absent_even_without_any_isolation_layer()
    {
        Environment.SetEnvironmentVariable("KATA_CANARY", "canary-" + Guid.NewGuid());
        var o = await Run(Sh("env"), Limits(), SandboxCapabilities.None);
        Assert.Equal(0, o.ExitCode);
        Assert.DoesNotContain("KATA_CANARY", o.Stdout);
    }

    [Fact]
    public async Task Child_cannot_write_to_the_host_filesystem()
    {
        if (!HasBubblewrap) return; // unshare alone does not isolate the filesystem
        string name = "/tmp/kata-sandbox-test-" + Guid.NewGuid().ToString("N");
        string roDir = Path.Combine("/tmp", "kata-sandbox-ro-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(roDir);
        File.SetUnixFileMode(roDir, (UnixFileMode)0b111_111_111); // world-writable: only the read-only bind protects it
        try
        {
            var o = await Run(Sh($"touch {name} && echo tmp-ok; touch {roDir}/x || echo ro-denied; touch /usr/kata-x || echo usr-denied; " +
                                 $"touch /etc/kata-x || echo etc-denied; ls / | tr '\\n' ' '", readOnlyPaths: new[] { roDir }), Limits());
            Assert.Contains("tmp-ok", o.Stdout);      // private tmpfs
            Assert.Contains("ro-denied", o.Stdout);
            Assert.Contains("usr-denied", o.Stdout);
            Assert.Contains("etc-denied", o.Stdout);
            Assert.False(File.Exists(name));
            Assert.False(File.Exists(Path.Combine(roDir, "x")));
            Assert.False(File.Exists("/usr/kata-x"));
            Assert.DoesNotContain("root", o.Stdout.Split("\n").Last()); // no /root, /home, /work in the sandbox
            Assert.DoesNotContain("work", o.Stdout.Split("\n").Last());
        }
        finally
        {
            Directory.Delete(roDir, true);
            File.Delete(name);
        }
    }

    [Fact]
    public async Task Tmpfs_is_size_limited()
    {
        if (!HasBubblewrap) return;
        var o = await Run(Sh("head -c 64000000 /dev/zero > /tmp/big; echo rc=$?; ls -l /tmp/big"), Limits());
        Assert.DoesNotContain("rc=0", o.Stdout);
    }

    [Fact]
    public async Task No_network_inside()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var o = await Run(await DotnetChildAsync("net", port.ToString()), Limits());
        if (HasBubblewrap || Caps.UnsharePath is not null)
            Assert.StartsWith("failed", o.Stdout);
        if (HasBubblewrap && Caps.UnsharePath is not null)
        {
            // The unshare fallback gives the same guarantee for the network.
            var fallback = await Run(await DotnetChildAsync("net", port.ToString()), Limits(), Caps with { Bubblewrap = BubblewrapMode.None });
            Assert.StartsWith("failed", fallback.Stdout);
        }
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task Cancellation_kills_the_child()
    {
        _ = Caps; // probe first: a token cancelled before RunAsync starts throws instead
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var o = await Run(Sh("sleep 100"), Limits(), ct: cts.Token);
        Assert.Equal(SandboxTermination.Killed, o.Termination);
    }

    [Fact]
    public async Task Fallback_without_bubblewrap_still_isolates_what_it_can()
    {
        var caps = Caps with { Bubblewrap = BubblewrapMode.None };
        var o = await Run(Sh("id -u; echo $HOME"), Limits(), caps);
        Assert.Equal(0, o.ExitCode);
        Assert.DoesNotContain(o.ActiveLayers, l => l.StartsWith("bubblewrap", StringComparison.Ordinal));
        if (caps.UnsharePath is not null) Assert.Contains(o.ActiveLayers, l => l.StartsWith("unshare", StringComparison.Ordinal));
        if (caps.SetprivPath is not null) Assert.StartsWith("65534\n", o.Stdout);
        Assert.EndsWith("/tmp\n", o.Stdout);
    }

    [Fact]
    public async Task No_layers_at_all_still_enforces_wall_time_and_output()
    {
        var o = await Run(Sh("yes"), Limits(wallSeconds: 10, output: 100), SandboxCapabilities.None);
        Assert.Equal(SandboxTermination.OutputLimit, o.Termination);
        Assert.Equal(100, o.Stdout.Length);
    }

    [Fact]
    public async Task Path_uid_65534_cannot_reach_falls_back_to_bubblewrap_with_the_grader_uid()
    {
        if (Caps.Bubblewrap != BubblewrapMode.AsNobody || !Caps.IsRoot) return;
        string outer = Path.Combine("/tmp", "kata-sandbox-private-" + Guid.NewGuid().ToString("N"));
        string inner = Path.Combine(outer, "job");
        Directory.CreateDirectory(inner);
        File.SetUnixFileMode(outer, (UnixFileMode)0b111_000_000);
        File.WriteAllText(Path.Combine(inner, "input.txt"), "secret-input");
        try
        {
            var o = await Run(Sh($"cat {inner}/input.txt; id -u", readOnlyPaths: new[] { inner }), Limits());
            Assert.Equal("secret-input65534\n", o.Stdout);
            Assert.Contains(o.ActiveLayers, l => l.Contains("not reachable by uid 65534", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(outer, true);
        }
    }

    [Fact]
    public async Task Missing_executable_is_an_ordinary_failure()
    {
        var o = await Run(SandboxCommand.Create("/nonexistent/kata-runner"), Limits());
        Assert.Equal(SandboxTermination.Exited, o.Termination);
        Assert.NotEqual(0, o.ExitCode);
        Assert.NotEmpty(o.Stderr);
    }
}
