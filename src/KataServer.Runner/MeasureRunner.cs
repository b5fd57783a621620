using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>
/// Times each [KataBenchmark] for the submission and for the kata's reference in this one process,
/// alternating the two so that both share the machine's noise, and reports throughput ratios.
/// </summary>
public sealed class MeasureRunner(RunInput input, ResultChannel channel) : ISuiteRunner
{
    private readonly RunRequest request = input.Request;

    /// <summary>Loaded before any learner code runs (see Program.cs): the reference's bytes are forgotten with the rest.</summary>
    private readonly Assembly reference = ReferenceContext.Load(input);

    public void Run(TestSuite suite)
    {
        var settings = request.Measure;
        channel.GuardInfrastructure();
        var results = new List<ThroughputData>();
        foreach (var (name, submissionBenchmark, options) in Benchmarks(suite.TestAssembly))
        {
            var referenceBenchmark = Benchmarks(reference).FirstOrDefault(b => b.Name == name).Method;
            if (referenceBenchmark is null) continue;
            try
            {
                foreach (var threads in settings.Threads)
                {
                    channel.Send(new() { Type = RunnerMessage.Progress, Test = $"{name} on {threads} threads" });
                    results.Add(Measure(name, threads, options.OperationsPerThread, submissionBenchmark, referenceBenchmark, settings.Rounds, request.DataSeed));
                }
            }
            catch (Exception e)
            {
                // Heavier load than the tests gave found a bug: it is a finding like any other.
                channel.Send(new() { Type = RunnerMessage.TestFinished, Test = name, Outcome = "failed", DurationMs = 0, Finding = Findings.FromException(e, name, suite.SubmissionFileName) });
            }
        }

        channel.Send(new() { Type = RunnerMessage.Measured, Throughput = results });
    }

    private static ThroughputData Measure(string name, int threads, int operations, MethodInfo submission, MethodInfo reference, int rounds, ulong dataSeed)
    {
        object[] args = [threads, operations];
        // Both sides draw the same TestData values (the benchmark's bank size, its keys...) in every call.
        double Time(MethodInfo benchmark)
        {
            TestData.Begin(dataSeed, name);
            return TimeCall(benchmark, args);
        }

        Time(submission);   // warm up: JIT, caches, thread creation paths
        Time(reference);
        var submissionTimes = new List<double>();
        var referenceTimes = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var submissionFirst = round % 2 == 0;
            var first = Time(submissionFirst ? submission : reference);
            var second = Time(submissionFirst ? reference : submission);
            (submissionFirst ? submissionTimes : referenceTimes).Add(first);
            (submissionFirst ? referenceTimes : submissionTimes).Add(second);
        }

        double OpsPerSecond(List<double> seconds) => threads * (double)operations / Median(seconds);
        return new ThroughputData
        {
            Benchmark = name,
            Threads = threads,
            SubmissionOpsPerSecond = OpsPerSecond(submissionTimes),
            ReferenceOpsPerSecond = OpsPerSecond(referenceTimes),
        };
    }

    private static double TimeCall(MethodInfo benchmark, object[] args)
    {
        var watch = Stopwatch.StartNew();
        KataTestCase.InvokeStatic(benchmark, args);
        var seconds = watch.Elapsed.TotalSeconds;
        if (Check.TakeBroken() is { } swallowed) throw swallowed;
        return Math.Max(seconds, 1e-9);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static IEnumerable<(string Name, MethodInfo Method, KataBenchmarkAttribute Options)> Benchmarks(Assembly tests) =>
        tests.GetExportedTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Select(method => (method, options: method.GetCustomAttribute<KataBenchmarkAttribute>()))
            .Where(pair => pair.options is not null && pair.method.GetParameters() is [{ ParameterType: var a }, { ParameterType: var b }] && a == typeof(int) && b == typeof(int))
            .Select(pair => (pair.method.Name, pair.method, pair.options!));

    /// <summary>
    /// The reference and the tests compiled against it carry the same assembly names as the submission's:
    /// they live in a load context of their own, sharing KataServer.Testing with the default one.
    /// </summary>
    private sealed class ReferenceContext() : AssemblyLoadContext("reference")
    {
        private readonly List<Assembly> loaded = [];

        public static Assembly Load(RunInput input)
        {
            var context = new ReferenceContext();
            context.loaded.Add(TestSuite.FromMemory(context, input.Required(RunInput.ReferenceDll), input.Part(RunInput.ReferencePdb)));
            var tests = TestSuite.FromMemory(context, input.Required(RunInput.ReferenceTestsDll), input.Part(RunInput.ReferenceTestsPdb));
            context.loaded.Add(tests);
            return tests;
        }

        protected override Assembly? Load(AssemblyName name) =>
            loaded.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName()));
    }
}
