using Xunit.Abstractions;
namespace KataServer.Scheduling.Tests;
public class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Probe")]
    public void Probe()
    {
        foreach (var s in new[]{"random","pct"}) {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var times = new List<double>();
        for (int i = 0; i < 200; i++)
        {
            var t0 = sw.Elapsed.TotalMilliseconds;
            var r = ScheduleExplorer.Explore(SchedulingBenchmark.LockedCounter2, new ExplorationOptions { Strategy = s, MaxSchedules = 1, Seed = (ulong)i });
            times.Add(sw.Elapsed.TotalMilliseconds - t0);
            Assert.Null(r.Bug);
        }
        output.WriteLine(s + ": " + string.Join(" ", times.OrderByDescending(x => x).Take(10).Select(x => x.ToString("0.0"))) + " median " + times.OrderBy(x=>x).ElementAt(100).ToString("0.000"));
        }
    }
}
