using KataServer.Grading.Sandbox;
using Xunit.Abstractions;
using static KataServer.Grading.Tests.Sandbox.SandboxTestSupport;

namespace KataServer.Grading.Tests.Sandbox;

/// <summary>A real .NET program (compiled at test time with the SDK's csc.dll) under the full sandbox.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DotnetChildTests(ITestOutputHelper output)
{
    private async Task<SandboxOutcome> Run(SandboxCommand command, SandboxLimits limits)
    {
        var o = await SandboxedProcess.RunAsync(command, limits, Caps);
        output.WriteLine(Describe(o));
        return o;
    }

    [Fact]
    public async Task Dotnet_runtime_starts_inside_the_sandbox()
    {
        var o = await Run(await DotnetChildAsync("hello"), Limits());
        Assert.Equal(SandboxTermination.Exited, o.Termination);
        Assert.Equal(0, o.ExitCode);
        Assert.StartsWith("hello from .NET " + Environment.Version.Major, o.Stdout);
        if (Caps.Bubblewrap != BubblewrapMode.None || Caps.SetprivPath is not null)
            Assert.Contains("Uid:\t65534\t65534", o.Stdout);
        AssertDetectedLayersActive(o);
    }

    [Fact]
    public async Task Dotnet_runtime_starts_with_every_layer_combination_we_fall_back_to()
    {
        foreach (var caps in new[] { Caps with { Bubblewrap = BubblewrapMode.None }, SandboxCapabilities.None })
        {
            var o = await SandboxedProcess.RunAsync(await DotnetChildAsync("hello"), Limits(), caps);
            output.WriteLine(Describe(o));
            Assert.Equal(0, o.ExitCode);
        }
        if (Caps.Bubblewrap == BubblewrapMode.AsNobody && Caps.IsRoot)
        {
            var o = await SandboxedProcess.RunAsync(await DotnetChildAsync("hello"), Limits(), Caps with { Bubblewrap = BubblewrapMode.AsGraderUid });
            output.WriteLine(Describe(o));
            Assert.Equal(0, o.ExitCode);
            Assert.Contains("Uid:\t65534", o.Stdout); // the uid the child sees; on the host it is the grader's
        }
    }

    [Fact]
    public async Task Managed_out_of_memory_is_a_catchable_exception()
    {
        // GCHeapHardLimit = 3/4 of the limit, so the runtime throws before the cgroup kills.
        var o = await Run(await DotnetChildAsync("oom"), Limits(memoryMiB: 128));
        Assert.Equal(42, o.ExitCode);
        Assert.Contains("caught OutOfMemoryException", o.Stdout);
        Assert.Equal(0, o.OomKills);
        Assert.Equal(SandboxTermination.Exited, o.Termination);
    }

    [Fact]
    public async Task Thread_bomb_is_contained_by_the_pids_limit()
    {
        if (!Caps.AnyCgroupPids && Caps.SetprivPath is null) return;
        var o = await Run(await DotnetChildAsync("threads", "10000"), Limits(threads: 64));
        Assert.Contains("then OutOfMemoryException", o.Stdout); // what .NET throws when clone() fails with EAGAIN
        int started = int.Parse(o.Stdout.Split('\n')[1].Split(' ')[1]);
        Assert.True(started < 64, o.Stdout);
        if (Caps.AnyCgroupPids)
        {
            Assert.True(o.ThreadLimitHit);
            Assert.Equal(SandboxTermination.ThreadLimit, o.Termination);
        }
    }

    [Fact]
    public async Task Child_cannot_write_into_its_read_only_paths()
    {
        if (!HasBubblewrap) return;
        var cmd = await DotnetChildAsync("write", "PLACEHOLDER");
        string target = Path.Combine(cmd.ReadOnlyPaths[0], "evil.txt");
        cmd = cmd with { Arguments = cmd.Arguments.Take(2).Append(target).ToArray() };
        var o = await Run(cmd, Limits());
        Assert.StartsWith("failed", o.Stdout);
        Assert.False(File.Exists(target));
    }
}
