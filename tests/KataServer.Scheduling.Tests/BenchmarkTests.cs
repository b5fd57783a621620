using Xunit.Abstractions;

namespace KataServer.Scheduling.Tests;

public class BenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Benchmark")]
    public void PrintBenchmark()
    {
        string table = SchedulingBenchmark.Run(TimeSpan.FromSeconds(2));
        output.WriteLine(table);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "kata-scheduling-benchmark.md"), table);
        Assert.Contains("| lost update", table);
    }
}
