using System.Diagnostics;
using KataServer.Grading.Sandbox;
using Xunit.Abstractions;
using static KataServer.Grading.Tests.Sandbox.SandboxTestSupport;

namespace KataServer.Grading.Tests.Sandbox;

/// <summary>Measures (does not assert) the per-run cost of the sandbox: bare /bin/true vs sandboxed.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SandboxOverheadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Measure_overhead()
    {
        const int runs = 15;
        var bare = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
            await p.WaitForExitAsync();
            bare.Add(sw.Elapsed.TotalMilliseconds);
        }
        var cmd = SandboxCommand.Create("/bin/true");
        async Task<List<double>> Measure(SandboxCapabilities caps)
        {
            var list = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                var o = await SandboxedProcess.RunAsync(cmd, Limits(), caps);
                list.Add(sw.Elapsed.TotalMilliseconds);
                Assert.Equal(0, o.ExitCode);
            }
            return list;
        }
        var full = await Measure(Caps);
        var noBwrap = await Measure(Caps with { Bubblewrap = BubblewrapMode.None });
        var none = await Measure(SandboxCapabilities.None);
        var noCgroups = await Measure(Caps with { CgroupV1Memory = null, CgroupV1Pids = null, CgroupV1CpuAcct = null, CgroupV1Freezer = null, CgroupV2 = null });
        static string Median(List<double> l) => $"{l.Order().ElementAt(l.Count / 2),6:0.0} (min {l.Min():0.0})";
        output.WriteLine($"bare Process.Start(/bin/true): median {Median(bare)} ms");
        output.WriteLine($"RunAsync, no layers:           median {Median(none)} ms");
        output.WriteLine($"RunAsync, no bwrap:            median {Median(noBwrap)} ms");
        output.WriteLine($"RunAsync, no cgroups:          median {Median(noCgroups)} ms");
        output.WriteLine($"RunAsync, all layers:          median {Median(full)} ms");
    }
}
