using KataServer.Grading.Sandbox;
using Xunit.Abstractions;

namespace KataServer.Grading.Tests.Sandbox;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SandboxCapabilitiesTests(ITestOutputHelper output)
{
    [Fact]
    public void Detect_is_cached_and_reports_what_it_found()
    {
        var caps = SandboxCapabilities.Detect();
        output.WriteLine(caps.ToString());
        Assert.Same(caps, SandboxCapabilities.Detect());
        Assert.NotEmpty(caps.Notes);
        Assert.True(File.Exists(Path.Combine(caps.DotnetRoot, "dotnet")), caps.DotnetRoot);
    }

    [Fact]
    public void Layers_that_exist_on_this_machine_are_detected()
    {
        // Adapt only where a layer is truly absent: if the tool or mount is here and we are root, it must work.
        var caps = SandboxCapabilities.Detect();
        if (!OperatingSystem.IsLinux()) return;
        bool root = Environment.UserName == "root";
        if (File.Exists("/usr/bin/bwrap") && root)
            Assert.NotEqual(BubblewrapMode.None, caps.Bubblewrap);
        if (File.Exists("/usr/bin/prlimit"))
            Assert.NotNull(caps.PrlimitPath);
        if (root && File.Exists("/usr/bin/setpriv"))
            Assert.NotNull(caps.SetprivPath);
        if (root && File.Exists("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
            Assert.True(caps.CgroupV1Memory is not null || caps.CgroupV2 is not null, caps.ToString());
        if (root && File.Exists("/sys/fs/cgroup/pids/cgroup.procs"))
            Assert.True(caps.CgroupV1Pids is not null || caps.CgroupV2 is not null, caps.ToString());
    }

    [Fact]
    public void Probe_leaves_no_probe_cgroups_behind()
    {
        SandboxCapabilities.Detect(); // the cached probe is done, so only ours runs now
        var caps = SandboxCapabilities.Probe();
        foreach (var mount in new[] { caps.CgroupV1Memory, caps.CgroupV1Pids, caps.CgroupV1CpuAcct, caps.CgroupV1Freezer, caps.CgroupV2 })
        {
            if (mount is null) continue;
            string group = Path.Combine(mount, caps.CgroupGroupName);
            Assert.Empty(Directory.GetDirectories(group, "probe-*"));
        }
    }
}
