using Xunit.Abstractions;

namespace KataServer.Scheduling.Tests;

public class BenchmarkTests(ITestOutputHelper output)
{
    /// <summary>
    /// Short by default (0.2 s per cell). For real figures:
    /// KATA_BENCH_SECONDS=2 dotnet test tests/KataServer.Scheduling.Tests --filter Category=Benchmark --logger "console;verbosity=detailed"
    /// (the table is also written to $TMPDIR/kata-scheduling-benchmark.md).
    /// </summary>
    [Fact]
    [Trait("Category", "Benchmark")]
    public void PrintBenchmark()
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("KATA_BENCH_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0.2;
        string table = SchedulingBenchmark.Run(TimeSpan.FromSeconds(seconds));
        output.WriteLine(table);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "kata-scheduling-benchmark.md"), table);
        Assert.Contains("| lost update", table);
        Assert.DoesNotContain("not found", table);
    }
}
