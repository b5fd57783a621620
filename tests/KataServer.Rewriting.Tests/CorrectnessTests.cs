using System.Diagnostics;

namespace KataServer.Rewriting.Tests;

public class CorrectnessTests
{
    private const string ControlFlow = """
        using System;
        using System.Collections.Generic;
        public static class S
        {
            public static int Hits;
            private static int _state;
            private static readonly List<string> Log = new List<string>();
            private static bool Note(string s) { Log.Add(s); return true; }

            public static string Run()
            {
                Hits = 0; _state = 0; Log.Clear();
                var sb = new System.Text.StringBuilder();
                for (int i = 0; i < 12; i++) sb.Append(Classify(i)).Append(',');
                sb.Append(Loops(5)).Append(',').Append(Handlers(0)).Append(',').Append(Handlers(1)).Append(',').Append(Handlers(2));
                sb.Append(',').Append(Nested()).Append(',').Append(Hits).Append(',').Append(_state).Append(',').Append(string.Join("|", Log));
                return sb.ToString();
            }

            private static int Classify(int i)
            {
                switch (i % 5)
                {
                    case 0: Hits++; return Hits;
                    case 1: if (Hits > 2) goto case 3; Hits += 2; break;
                    case 3: _state ^= i; return _state;
                    default: while (Hits < i) Hits++; break;
                }
                return Hits > 7 ? -Hits : Hits;
            }

            private static int Loops(int n)
            {
                int total = 0;
                int[] data = new int[n];
                for (int i = 0; i < n; i++) data[i] = i * i;
                foreach (var d in data) { if (d % 2 == 0) continue; total += d; }
                do { _state++; } while (_state < 20);
                int j = 0;
                again:
                Hits++;
                if (++j < 3) goto again;
                return total + _state;
            }

            private static string Handlers(int mode)
            {
                string result = "";
                try
                {
                    Hits++;
                    try
                    {
                        _state += mode;
                        if (mode == 1) throw new InvalidOperationException("one");
                        if (mode == 2) throw new ArgumentException("two");
                        result += "ok";
                    }
                    catch (InvalidOperationException e) when (Note("filter:" + e.Message) && _state > 0)
                    {
                        Hits += 10;
                        result += "ioe";
                    }
                    finally
                    {
                        _state += 100;
                        result += "+fin";
                    }
                }
                catch (ArgumentException)
                {
                    Hits += 1000;
                    result += "+arg";
                }
                finally
                {
                    Hits++;
                }
                using (var d = new Disposable()) { result += d.Id; }
                return result;
            }

            private static int Nested()
            {
                int sum = 0;
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++)
                    {
                        try { if (a == b) continue; if (a + b == 3) break; sum += a * 10 + b; }
                        finally { Hits++; }
                    }
                return sum;
            }

            private sealed class Disposable : IDisposable
            {
                public string Id = "+d";
                public void Dispose() { Hits += 100000; }
            }
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Branches_switches_loops_and_exception_handlers_behave_as_before(bool optimize)
    {
        var compiled = Snippets.Compile(ControlFlow, optimize: optimize);
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        string? expected, actual;
        using (var sandbox = new Sandbox())
        {
            expected = (string?)Sandbox.Run(sandbox.Load(compiled.Dll, compiled.Pdb), "S", "Run");
        }

        Recording recording;
        using (var sandbox = new Sandbox())
        {
            recording = Recorder.Start();
            actual = (string?)Sandbox.Run(sandbox.Load(rewritten.Dll, rewritten.Pdb), "S", "Run");
        }

        Assert.Equal(expected, actual);
        Assert.Contains("filter:one", actual);
        Assert.True(rewritten.Report.FieldReadHooks > 20, rewritten.Report.ToString());
        Assert.True(recording.Accesses.Count > 100);
    }

    private const string Throwing = """
        public sealed class Node { public int V; }
        public static class S
        {
            public static int Count;
            public static int Run(Node n)
            {
                int a = Count;
                a += n.V; // NRE-HERE
                return a;
            }
            public static void Throw()
            {
                Count++;
                if (Count > 0) throw new System.InvalidOperationException("x"); // THROW-HERE
            }
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Exceptions_in_rewritten_code_keep_the_learner_file_and_line(bool optimize)
    {
        var compiled = Snippets.Compile(Throwing, optimize: optimize);
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        Assert.NotNull(rewritten.Pdb);
        Assert.True(rewritten.Report.FieldReadHooks >= 2);
        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(rewritten.Dll, rewritten.Pdb);

        var nre = Assert.Throws<NullReferenceException>(() => Sandbox.Run(assembly, "S", "Run", [null]));
        var frame = new StackTrace(nre, fNeedFileInfo: true).GetFrame(0)!;
        Assert.Equal("Run", frame.GetMethod()!.Name);
        Assert.Equal(compiled.Path, frame.GetFileName());
        Assert.Equal(Snippets.LineOf(Throwing, "NRE-HERE"), frame.GetFileLineNumber());

        var ioe = Assert.Throws<InvalidOperationException>(() => Sandbox.Run(assembly, "S", "Throw"));
        Assert.Contains($"{compiled.Path}:line {Snippets.LineOf(Throwing, "THROW-HERE")}", ioe.StackTrace);
    }

    [Fact]
    public void Rewritten_dll_and_pdb_written_to_disk_still_give_line_numbers()
    {
        // The runner child process will load files, which makes the runtime match the PDB id against the dll's debug directory.
        var compiled = Snippets.Compile(Throwing, "OnDisk");
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        var dir = Directory.CreateTempSubdirectory("kata-rewrite");
        try
        {
            var dllPath = Path.Combine(dir.FullName, "OnDisk.dll");
            File.WriteAllBytes(dllPath, rewritten.Dll);
            File.WriteAllBytes(Path.Combine(dir.FullName, "OnDisk.pdb"), rewritten.Pdb!);
            using var sandbox = new Sandbox();
            var assembly = sandbox.LoadFromAssemblyPath(dllPath);
            var ioe = Assert.Throws<InvalidOperationException>(() => Sandbox.Run(assembly, "S", "Throw"));
            Assert.Contains($"{compiled.Path}:line {Snippets.LineOf(Throwing, "THROW-HERE")}", ioe.StackTrace);
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // the collectible context may still map the file until it is collected
            }
        }
    }

    [Fact]
    public void Input_without_pdb_is_rewritten_and_runs()
    {
        var compiled = Snippets.Compile(Throwing);
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, null, RewriteOptions.Learner, Maps.Recording);
        Assert.Null(rewritten.Pdb);
        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(rewritten.Dll, null);
        Assert.Throws<InvalidOperationException>(() => Sandbox.Run(assembly, "S", "Throw"));
    }

    [Fact]
    public void Embedded_pdb_is_preserved_with_its_line_numbers()
    {
        var compiled = Snippets.Compile(Throwing, "Snippet", optimize: false, embedPdb: true);
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, null, RewriteOptions.Learner, Maps.Recording);
        Assert.Null(rewritten.Pdb);
        Assert.True(rewritten.Report.FieldReadHooks >= 2);
        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(rewritten.Dll, null);
        var ioe = Assert.Throws<InvalidOperationException>(() => Sandbox.Run(assembly, "S", "Throw"));
        Assert.Contains($"{compiled.Path}:line {Snippets.LineOf(Throwing, "THROW-HERE")}", ioe.StackTrace);
    }

    [Fact]
    public void Kata_tests_referencing_the_learner_assembly_are_rewritten_with_it()
    {
        const string learner = """
            namespace Submission
            {
                public sealed class Counter
                {
                    private readonly object _gate = new object();
                    public int Hits;
                    private int _n;
                    public void Inc() { lock (_gate) { _n++; } }
                    public int Value => _n;
                }
            }
            """;
        const string tests = """
            using System.Threading;
            public static class CounterTests
            {
                public static int Run()
                {
                    var c = new Submission.Counter();
                    var t = new Thread(() => { for (int i = 0; i < 3; i++) c.Inc(); });
                    t.Start();
                    for (int i = 0; i < 3; i++) c.Inc();
                    t.Join();
                    c.Hits = 1;
                    return c.Value + c.Hits;
                }
            }
            """;
        var submission = Snippets.Compile(learner, "Submission");
        var kata = Snippets.Compile(tests, "KataTests", references: submission.Dll);

        var rewrittenLearner = AssemblyRewriter.Rewrite(submission.Dll, submission.Pdb, RewriteOptions.Learner, Maps.Recording);
        var rewrittenTests = AssemblyRewriter.Rewrite(kata.Dll, kata.Pdb, RewriteOptions.KataTests with { ReferencedAssemblies = [submission.Dll] }, Maps.Recording);
        Assert.Equal(0, rewrittenTests.Report.FieldReadHooks + rewrittenTests.Report.FieldWriteHooks);
        Assert.Equal(1, rewrittenTests.Report.ReplacedCalls["System.Threading.Thread::Start"]);

        // With hooks on, the test assembly's access to a learner field needs the learner assembly to resolve it.
        var unresolved = AssemblyRewriter.Rewrite(kata.Dll, kata.Pdb, RewriteOptions.Learner, Maps.Recording);
        Assert.Contains(unresolved.Report.Warnings, w => w.Contains("Submission.Counter::Hits", StringComparison.Ordinal));
        var resolved = AssemblyRewriter.Rewrite(kata.Dll, kata.Pdb, RewriteOptions.Learner with { ReferencedAssemblies = [submission.Dll] }, Maps.Recording);
        Assert.DoesNotContain(resolved.Report.Warnings, w => w.Contains("Submission.Counter::Hits", StringComparison.Ordinal));
        Assert.Equal(unresolved.Report.FieldWriteHooks + 1, resolved.Report.FieldWriteHooks);
        var dir = Directory.CreateTempSubdirectory("kata-rewrite");
        try
        {
            File.WriteAllBytes(Path.Combine(dir.FullName, "Submission.dll"), submission.Dll);
            var fromDir = AssemblyRewriter.Rewrite(kata.Dll, kata.Pdb, RewriteOptions.Learner with { SearchDirectories = [dir.FullName] }, Maps.Recording);
            Assert.Equal(resolved.Report.FieldWriteHooks, fromDir.Report.FieldWriteHooks);
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        using var sandbox = new Sandbox();
        sandbox.Load(rewrittenLearner.Dll, rewrittenLearner.Pdb);
        var testAssembly = sandbox.Load(rewrittenTests.Dll, rewrittenTests.Pdb);
        var recording = Recorder.Start();
        Assert.Equal(7, Sandbox.Run(testAssembly, "CounterTests", "Run"));
        var calls = recording.CallList;
        Assert.Equal(6, calls.Count(c => c == "Monitor.Enter(ref)"));
        Assert.Equal(["Thread.New", "Thread.Start"], calls.Take(2));
        Assert.Contains("Thread.Join", calls);
        Assert.Equal(13, recording.Accesses.Count(a => a.What == "Counter._n")); // 6 x (read, write) + Value
    }
}
