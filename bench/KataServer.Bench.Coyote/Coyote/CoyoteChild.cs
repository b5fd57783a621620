using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using KataServer.Testing;
using Microsoft.Coyote;
using Microsoft.Coyote.SystematicTesting;

namespace KataServer.Bench.Coyote.Coyote;

/// <summary>
/// The child process that runs Coyote's test engine on one rewritten mutant (`kata-bench-coyote coyote-child JOB.json`).
/// A child per mutant, as our grader runs its explorer in a child: a program Coyote does not control can leave threads
/// blocked or spinning, and they end with the process instead of slowing the next mutant.
/// </summary>
public static class CoyoteChild
{
    public static int Run(string jobPath)
    {
        var job = JsonSerializer.Deserialize<CoyoteJob>(File.ReadAllText(jobPath), CoyoteConfigurations.Json)
            ?? throw new BenchFailure($"{jobPath} holds no job");
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(job.AssemblyPath));
        var harness = assembly.GetType("KataServer.Bench.Coyote.Harness.CoyoteKataHarness", throwOnError: true)!;
        var prepare = harness.GetMethod("Prepare")!;
        var test = (Func<Task>)Delegate.CreateDelegate(typeof(Func<Task>), harness.GetMethod("RunAsync")!);
        var methods = assembly.GetExportedTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(method => method.GetCustomAttribute<KataTestAttribute>() is not null)
            .ToDictionary(method => method.Name);

        foreach (var configuration in job.Configurations)
        foreach (var seed in job.Seeds)
        foreach (var name in job.Tests)
        {
            if (!methods.TryGetValue(name, out var method)) throw new BenchFailure($"no kata test '{name}' in {job.AssemblyPath}");
            prepare.Invoke(null, [method, seed]);
            var result = RunEngine(job, configuration, seed, test) with { Test = name };
            var iterations = (int)harness.GetField("Iterations")!.GetValue(null)!;
            var failedIteration = (int)harness.GetField("FailedIteration")!.GetValue(null)!;
            result = result with { Iterations = iterations };
            if (result.BugFound)
            {
                // A kata check or exception thrown by the test names its kind; otherwise it is Coyote's own verdict.
                result = failedIteration > 0
                    ? result with { BugIteration = failedIteration, Kind = (string?)harness.GetField("FailureKind")!.GetValue(null), Message = (string?)harness.GetField("FailureMessage")!.GetValue(null) }
                    : result with { BugIteration = iterations, Kind = KindOf(result.Message ?? "") };
            }

            Console.Out.WriteLine(CoyoteConfigurations.ResultPrefix + JsonSerializer.Serialize(result, CoyoteConfigurations.Json));
            Console.Out.Flush();
        }

        return 0;
    }

    private static CoyoteRunResult RunEngine(CoyoteJob job, string configurationName, ulong seed, Func<Task> test)
    {
        var configuration = Configuration.Create()
            .WithTestingIterations(job.Iterations)
            .WithRandomGeneratorSeed((uint)seed);
        configuration = configurationName switch
        {
            CoyoteConfigurations.Default => configuration,
            CoyoteConfigurations.MemoryAccessRaces => configuration.WithMemoryAccessRaceCheckingEnabled(),
            _ => throw new BenchFailure($"unknown Coyote configuration '{configurationName}'"),
        };

        using var engine = TestingEngine.Create(configuration, test);
        var stopped = false;
        using var limit = new Timer(_ => { stopped = true; engine.Stop(); }, null, TimeSpan.FromSeconds(job.SecondsPerTest), Timeout.InfiniteTimeSpan);
        var clock = Stopwatch.StartNew();
        engine.Run();
        clock.Stop();
        var report = engine.TestReport;
        return new CoyoteRunResult
        {
            Configuration = configurationName,
            Seed = seed,
            BugFound = report.NumOfFoundBugs > 0,
            Message = report.BugReports.FirstOrDefault(),
            Milliseconds = clock.Elapsed.TotalMilliseconds,
            Stopped = Volatile.Read(ref stopped) && report.NumOfFoundBugs == 0,
            UncontrolledInvocations = [.. report.UncontrolledInvocations.Order(StringComparer.Ordinal)],
        };
    }

    private static string KindOf(string bugReport) =>
        bugReport.StartsWith("Deadlock detected", StringComparison.Ordinal) ? "deadlock"
        : bugReport.StartsWith("Potential deadlock", StringComparison.Ordinal) ? "potential-deadlock"
        : bugReport.Contains("not intercepted", StringComparison.Ordinal) || bugReport.Contains("is not controlled", StringComparison.Ordinal) ? "uncontrolled"
        : bugReport.Contains("Unhandled exception", StringComparison.Ordinal) ? "exception"
        : "other";
}
