using System.Diagnostics;
using System.Globalization;
using KataServer.Scheduling.Interception;
using Xunit.Abstractions;

namespace KataServer.Rewriting.Tests;

public class RobustnessTests(ITestOutputHelper output)
{
    internal static string Program(string name)
    {
        using var stream = typeof(RobustnessTests).Assembly.GetManifestResourceStream(name) ?? throw new FileNotFoundException(name);
        return new StreamReader(stream).ReadToEnd();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_varied_program_runs_the_same_after_rewriting(bool optimize)
    {
        var source = Program("Varied.txt");
        var compiled = Snippets.Compile(source, "Varied", optimize);
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        output.WriteLine(rewritten.Report.ToString());

        string? expected, actual;
        using (var sandbox = new Sandbox())
        {
            expected = (string?)Sandbox.Run(sandbox.Load(compiled.Dll, compiled.Pdb), "Varied.Program", "Run");
        }

        Recording recording;
        using (var sandbox = new Sandbox())
        {
            recording = Recorder.Start();
            actual = (string?)Sandbox.Run(sandbox.Load(rewritten.Dll, rewritten.Pdb), "Varied.Program", "Run");
        }

        output.WriteLine(expected);
        Assert.Equal(expected, actual);
        var report = rewritten.Report;
        Assert.True(report.ReplacedCalls.ContainsKey("System.Threading.Monitor::Enter"));
        Assert.True(report.ReplacedCalls.ContainsKey("System.Threading.Lock::EnterScope"));
        Assert.True(report.ReplacedCalls.ContainsKey("System.Threading.SemaphoreSlim::WaitAsync"));
        Assert.True(report.ReplacedCalls.ContainsKey("System.Threading.Tasks.TaskCompletionSource`1::SetResult"));
        Assert.Contains("System.Threading.Interlocked::Read", report.UncontrolledApis.Keys);
        Assert.Contains("System.Threading.Tasks.Task::WhenAll", report.UncontrolledApis.Keys);
        Assert.True(report.FieldReadHooks > 30 && report.FieldWriteHooks > 10 && report.ArrayReadHooks > 5 && report.ArrayWriteHooks > 2);
        Assert.Contains(recording.CallList, c => c == "Lock.EnterScope");
        Assert.Contains(recording.AccessList, a => a.What == "Account._balance");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_rewritten_method_compiles_and_the_output_references_the_scheduling_assembly(bool optimize)
    {
        var compiled = Snippets.Compile(Program("Varied.txt"), "Varied", optimize);
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(rewritten.Dll, rewritten.Pdb);
        Assert.Contains(assembly.GetReferencedAssemblies(), r => r.Name == typeof(InterceptsAttribute).Assembly.GetName().Name);
        var prepared = JitAll(assembly);

        Assert.True(prepared > 80, prepared.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("System.Threading.Channels")]
    [InlineData("System.Collections.Concurrent")]
    public void A_real_framework_assembly_survives_rewriting_and_every_method_still_compiles(string name)
    {
        var path = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, name + ".dll");
        var sw = Stopwatch.StartNew();
        var rewritten = AssemblyRewriter.Rewrite(File.ReadAllBytes(path), null, RewriteOptions.Learner, Maps.Recording);
        output.WriteLine($"{name}: {new FileInfo(path).Length} bytes, rewritten in {sw.Elapsed.TotalMilliseconds:0} ms");
        output.WriteLine(rewritten.Report.ToString());
        Assert.True(rewritten.Report.FieldReadHooks > 100);

        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(rewritten.Dll, null);
        var prepared = JitAll(assembly);

        output.WriteLine($"{prepared} methods JIT-compiled");
        Assert.True(prepared > 20);
    }

    /// <summary>
    /// JIT-compiles every method (generic ones instantiated over object where the constraints allow): the JIT rejects
    /// invalid IL with InvalidProgramException even in code the test never runs.
    /// </summary>
    internal static int JitAll(System.Reflection.Assembly assembly)
    {
        const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.DeclaredOnly | System.Reflection.BindingFlags.Public |
                                                   System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance |
                                                   System.Reflection.BindingFlags.Static;
        var prepared = 0;
        foreach (var definition in assembly.GetTypes())
        {
            var type = definition;
            if (definition.IsGenericTypeDefinition)
            {
                try
                {
                    type = definition.MakeGenericType([.. definition.GetGenericArguments().Select(_ => typeof(object))]);
                }
                catch (ArgumentException)
                {
                    continue; // constraints object does not satisfy
                }
            }

            foreach (var declared in type.GetMethods(all).Cast<System.Reflection.MethodBase>().Concat(type.GetConstructors(all)))
            {
                var method = declared;
                if (method.IsAbstract || method.GetMethodBody() is null)
                {
                    continue;
                }

                if (method is System.Reflection.MethodInfo { IsGenericMethodDefinition: true } generic)
                {
                    try
                    {
                        method = generic.MakeGenericMethod([.. generic.GetGenericArguments().Select(_ => typeof(object))]);
                    }
                    catch (ArgumentException)
                    {
                        continue;
                    }
                }

                var instantiation = type.GetGenericArguments().Concat(method.IsGenericMethod ? method.GetGenericArguments() : [])
                    .Select(t => t.TypeHandle).ToArray();
                try
                {
                    System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation.Length > 0 ? instantiation : null);
                }
                catch (ArgumentException)
                {
                    System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }

                prepared++;
            }
        }

        return prepared;
    }

    [Fact]
    public void Real_scheduling_map_coverage_is_reported()
    {
        var map = InterceptionMap.FromAssembly(typeof(InterceptsAttribute).Assembly);
        output.WriteLine($"KataServer.Scheduling intercepts {map.TargetTypes.Count} framework type(s), {map.Entries.Count} member(s):");
        foreach (var entry in map.Entries)
        {
            output.WriteLine($"  {entry.Target}  ->  {entry.Replacement}");
        }

        foreach (var diagnostic in map.Diagnostics)
        {
            output.WriteLine("  diagnostic: " + diagnostic);
        }

        // Rewriting with the real map must produce a loadable assembly whatever it covers today.
        var compiled = Snippets.Compile(Program("Varied.txt"), "Varied");
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, map);
        output.WriteLine(rewritten.Report.ToString());
        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(rewritten.Dll, rewritten.Pdb);
        Assert.NotEmpty(assembly.GetTypes());
        Assert.Equal(map.Entries.Count, map.Entries.Select(e => e.Target).Distinct().Count());
    }

    [Fact]
    public void Rewrite_time_is_measured()
    {
        var learner = Snippets.Compile(Program("Varied.txt"), "Submission", optimize: true);
        var kataTests = Snippets.Compile("""
            using System.Threading;
            using System.Threading.Tasks;
            public static class KataTests
            {
                public static async Task<int> Concurrent()
                {
                    var tasks = new Task<int>[4];
                    for (int i = 0; i < tasks.Length; i++) { int id = i; tasks[i] = Task.Run(() => id * 2); }
                    int sum = 0;
                    foreach (var t in tasks) sum += await t;
                    return sum;
                }
                public static int Threads()
                {
                    var gate = new object(); int n = 0;
                    var t = new Thread(() => { lock (gate) n++; });
                    t.Start(); lock (gate) n++; t.Join();
                    return n + Varied.Program.Run().Length;
                }
            }
            """, "KataTests", optimize: true, references: learner.Dll);

        var mapClock = Stopwatch.StartNew();
        var realMap = InterceptionMap.FromAssembly(typeof(InterceptsAttribute).Assembly);
        output.WriteLine($"real map ({realMap.Entries.Count} replacements) built in {mapClock.Elapsed.TotalMilliseconds:0} ms");
        var realClock = Stopwatch.StartNew();
        AssemblyRewriter.Rewrite(learner.Dll, learner.Pdb, RewriteOptions.Learner, realMap);
        output.WriteLine($"first rewrite in this process (real map, cold resolver and JIT): {realClock.Elapsed.TotalMilliseconds:0} ms");

        var learnerOptions = RewriteOptions.Learner;
        var testOptions = RewriteOptions.KataTests with { ReferencedAssemblies = [learner.Dll] };
        var first = Stopwatch.StartNew();
        var learnerResult = AssemblyRewriter.Rewrite(learner.Dll, learner.Pdb, learnerOptions, Maps.Recording);
        first.Stop();
        var testsResult = AssemblyRewriter.Rewrite(kataTests.Dll, kataTests.Pdb, testOptions, Maps.Recording);

        const int rounds = 10;
        var learnerTimes = new List<double>();
        var testTimes = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var sw = Stopwatch.StartNew();
            AssemblyRewriter.Rewrite(learner.Dll, learner.Pdb, learnerOptions, Maps.Recording);
            learnerTimes.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            AssemblyRewriter.Rewrite(kataTests.Dll, kataTests.Pdb, testOptions, Maps.Recording);
            testTimes.Add(sw.Elapsed.TotalMilliseconds);
        }

        learnerTimes.Sort();
        testTimes.Sort();
        string F(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);
        output.WriteLine($"learner assembly: {learner.Dll.Length} bytes, {learnerResult.Report.MethodsVisited} methods; first rewrite {F(first.Elapsed.TotalMilliseconds)} ms, " +
                         $"warm median {F(learnerTimes[rounds / 2])} ms (min {F(learnerTimes[0])})");
        output.WriteLine($"kata-test assembly: {kataTests.Dll.Length} bytes, {testsResult.Report.MethodsVisited} methods; warm median {F(testTimes[rounds / 2])} ms (min {F(testTimes[0])})");
        output.WriteLine(learnerResult.Report.ToString());
        output.WriteLine(testsResult.Report.ToString());
        Assert.True(learnerResult.Dll.Length > learner.Dll.Length);
    }
}
