using Xunit.Abstractions;
namespace KataServer.Scheduling.Tests;
public class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Probe")]
    public void Probe()
    {
        foreach (var s in new[]{"random","pct","random","pct"}) {
            var r = ScheduleExplorer.Explore(SchedulingBenchmark.LockedCounter2, new ExplorationOptions { Strategy = s, MaxSchedules = 3000, TimeBudget = TimeSpan.FromSeconds(3), Seed = 1 });
            output.WriteLine($"{s}: {r.SchedulesExplored} in {r.Elapsed.TotalMilliseconds:0} ms = {r.SchedulesExplored / r.Elapsed.TotalSeconds:0}/s workers={KataServer.Scheduling.Runtime.Worker.CreatedCount}");
        }
        var r2 = ScheduleExplorer.Explore(() => { }, new ExplorationOptions { Strategy = "random", MaxSchedules = 3000, TimeBudget = TimeSpan.FromSeconds(3), Seed = 1 });
        output.WriteLine($"empty: {r2.SchedulesExplored / r2.Elapsed.TotalSeconds:0}/s");
    }
}
