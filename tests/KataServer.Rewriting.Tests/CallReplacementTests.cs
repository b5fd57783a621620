using KataServer.Scheduling.Interception;

namespace KataServer.Rewriting.Tests;

public class CallReplacementTests
{
    private static (RewriteResult Result, object? Value, Recording Recording) RewriteAndRun(string source, string type, string method,
        bool optimize = false, RewriteOptions? options = null)
    {
        var compiled = Snippets.Compile(source, optimize: optimize);
        var result = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, options ?? RewriteOptions.KataTests, Maps.Recording);
        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(result.Dll, result.Pdb);
        var recording = Recorder.Start();
        var value = Sandbox.Run(assembly, type, method);
        return (result, value, recording);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lock_statement_on_object_goes_through_Monitor_replacement(bool optimize)
    {
        const string source = """
            public static class S
            {
                private static readonly object Gate = new object();
                private static int _n;
                public static int Run()
                {
                    lock (Gate) { _n++; }
                    lock (Gate) { _n++; }
                    return _n;
                }
            }
            """;
        var (result, value, recording) = RewriteAndRun(source, "S", "Run", optimize);
        Assert.Equal(2, value);
        Assert.Equal(["Monitor.Enter(ref)", "Monitor.Exit", "Monitor.Enter(ref)", "Monitor.Exit"], recording.CallList);
        Assert.Equal(2, result.Report.ReplacedCalls["System.Threading.Monitor::Enter"]);
        Assert.Equal(2, result.Report.ReplacedCalls["System.Threading.Monitor::Exit"]);
        Assert.Empty(result.Report.UncontrolledApis);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lock_statement_on_System_Threading_Lock_goes_through_EnterScope_and_Scope_Dispose(bool optimize)
    {
        const string source = """
            using System.Threading;
            public sealed class Counter
            {
                private readonly Lock _gate = new Lock();
                private int _n;
                public int Add() { lock (_gate) { return ++_n; } }
                public static int Run() { var c = new Counter(); c.Add(); return c.Add(); }
            }
            """;
        var (result, value, recording) = RewriteAndRun(source, "Counter", "Run", optimize);
        Assert.Equal(2, value);
        Assert.Equal(["Lock.New", "Lock.EnterScope", "Lock.Scope.Dispose", "Lock.EnterScope", "Lock.Scope.Dispose"], recording.CallList);
        Assert.Equal(1, result.Report.ReplacedCalls["System.Threading.Lock/Scope::Dispose"]);
        Assert.Equal(1, result.Report.ReplacedCalls["System.Threading.Lock::EnterScope"]);
    }

    [Fact]
    public void Generic_Interlocked_CompareExchange_keeps_its_type_argument()
    {
        const string source = """
            using System.Threading;
            public sealed class Node { public Node Next; public string Value; }
            public static class Stack
            {
                private static Node _head;
                private static int _count;
                public static void Push(string v)
                {
                    var n = new Node { Value = v };
                    Node seen;
                    do { seen = _head; n.Next = seen; } while (Interlocked.CompareExchange(ref _head, n, seen) != seen);
                    Interlocked.Increment(ref _count);
                }
                public static string Run()
                {
                    Push("a"); Push("b");
                    string s = "x";
                    Interlocked.CompareExchange(ref s, "y", "x");
                    return _head.Value + _head.Next.Value + s + _count;
                }
            }
            """;
        var (result, value, recording) = RewriteAndRun(source, "Stack", "Run");
        Assert.Equal("bay2", value);
        Assert.Equal(["Interlocked.CompareExchange<Node>", "Interlocked.Increment", "Interlocked.CompareExchange<Node>", "Interlocked.Increment",
            "Interlocked.CompareExchange<String>"], recording.CallList);
        Assert.Equal(2, result.Report.ReplacedCalls["System.Threading.Interlocked::CompareExchange"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SemaphoreSlim_constructor_and_WaitAsync_in_async_method_are_replaced(bool optimize)
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;
            public static class Limiter
            {
                private static readonly SemaphoreSlim Sem = new SemaphoreSlim(1);
                public static async Task<int> Work(int x)
                {
                    await Sem.WaitAsync();
                    try { await Task.Yield(); return x * 2 + Sem.CurrentCount; }
                    finally { Sem.Release(); }
                }
                public static async Task<int> Run()
                {
                    var a = Work(1); var b = Work(2);
                    return await a + await b;
                }
            }
            """;
        var (result, value, recording) = RewriteAndRun(source, "Limiter", "Run", optimize);
        Assert.Equal(6, value);
        var calls = recording.CallList;
        Assert.Equal("SemaphoreSlim.New", calls[0]);
        Assert.Equal(2, calls.Count(c => c == "SemaphoreSlim.WaitAsync"));
        Assert.Equal(2, calls.Count(c => c == "SemaphoreSlim.Release"));
        Assert.Equal(2, calls.Count(c => c == "SemaphoreSlim.CurrentCount"));
        Assert.Equal(1, result.Report.ReplacedCalls["System.Threading.SemaphoreSlim::.ctor (New)"]);
        // Task.Yield and the async plumbing are not in the recording map: reported.
        Assert.Contains("System.Threading.Tasks.Task::Yield", result.Report.UncontrolledApis.Keys);
        Assert.Contains(result.Report.UncontrolledAsyncPlumbing.Keys, k => k.StartsWith("System.Runtime.CompilerServices.AsyncTaskMethodBuilder", StringComparison.Ordinal));
        Assert.Contains("System.Threading.Tasks.Task::GetAwaiter", result.Report.UncontrolledAsyncPlumbing.Keys);
        Assert.DoesNotContain(result.Report.UncontrolledApis.Keys, RewriteOptions.IsAsyncPlumbing);
    }

    [Fact]
    public void Generic_target_type_is_replaced_by_generic_class_instantiated_like_the_call_site()
    {
        const string source = """
            using System.Threading.Tasks;
            public static class S
            {
                public static async Task<string> Run()
                {
                    var a = new TaskCompletionSource<int>();
                    var b = new TaskCompletionSource<string>();
                    a.SetResult(4);
                    b.SetResult("x");
                    return await b.Task + await a.Task;
                }
            }
            """;
        var (_, value, recording) = RewriteAndRun(source, "S", "Run");
        Assert.Equal("x4", value);
        Assert.Equal(["TCS<Int32>.New", "TCS<String>.New", "TCS<Int32>.SetResult", "TCS<String>.SetResult", "TCS<String>.Task", "TCS<Int32>.Task"],
            recording.CallList);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Replacements_are_instantiated_over_the_callers_own_generic_parameters(bool optimize)
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;
            public sealed class Box<T> where T : class
            {
                private T _v;
                private readonly TaskCompletionSource<T> _tcs = new TaskCompletionSource<T>();
                public T Swap<U>(T v, U tag) where U : class
                {
                    U seen = null;
                    Interlocked.CompareExchange(ref seen, tag, null);
                    var old = Interlocked.CompareExchange(ref _v, v, null);
                    _tcs.SetResult(v);
                    return old;
                }
                public Task<T> Done => _tcs.Task;
            }
            public static class S
            {
                public static async Task<string> Run()
                {
                    var b = new Box<string>();
                    b.Swap("a", new object());
                    return await b.Done;
                }
            }
            """;
        var (_, value, recording) = RewriteAndRun(source, "S", "Run", optimize);
        Assert.Equal("a", value);
        Assert.Equal(["TCS<String>.New", "Interlocked.CompareExchange<Object>", "Interlocked.CompareExchange<String>", "TCS<String>.SetResult", "TCS<String>.Task"],
            recording.CallList);
    }

    [Fact]
    public void Threads_Monitor_Wait_and_Volatile_are_replaced()
    {
        const string source = """
            using System.Threading;
            public static class S
            {
                private static readonly object Gate = new object();
                private static int _ready;
                public static int Run()
                {
                    var t = new Thread(() => { lock (Gate) { Volatile.Write(ref _ready, 1); Monitor.PulseAll(Gate); } });
                    lock (Gate)
                    {
                        t.Start();
                        while (Volatile.Read(ref _ready) == 0) Monitor.Wait(Gate, 1000);
                    }
                    t.Join();
                    Thread.Yield();
                    return _ready;
                }
            }
            """;
        var (result, value, recording) = RewriteAndRun(source, "S", "Run");
        Assert.Equal(1, value);
        var calls = recording.CallList;
        Assert.Equal(["Thread.New", "Monitor.Enter(ref)", "Thread.Start"], calls.Take(3));
        Assert.Contains("Volatile.Write", calls);
        Assert.Contains("Monitor.PulseAll", calls);
        Assert.Contains("Thread.Join", calls);
        Assert.Equal("Thread.Yield", calls[^1]);
        Assert.Empty(result.Report.UncontrolledApis);
    }

    [Fact]
    public void Apis_without_replacement_are_reported_as_uncontrolled_with_their_source_line()
    {
        const string source = """
            using System.Threading;
            public static class S
            {
                public static int Run()
                {
                    using var ev = new ManualResetEventSlim(false);
                    ev.Set();
                    ev.Wait();
                    Thread.Sleep(1);
                    lock (ev) { }
                    return 1;
                }
            }
            """;
        var (result, value, _) = RewriteAndRun(source, "S", "Run");
        Assert.Equal(1, value);
        var uncontrolled = result.Report.UncontrolledApis;
        Assert.Equal(1, uncontrolled["System.Threading.ManualResetEventSlim::.ctor"]);
        Assert.Equal(1, uncontrolled["System.Threading.ManualResetEventSlim::Set"]);
        Assert.Equal(1, uncontrolled["System.Threading.ManualResetEventSlim::Wait"]);
        Assert.Equal(1, uncontrolled["System.Threading.Thread::Sleep"]);
        Assert.DoesNotContain("System.Threading.Monitor::Enter", uncontrolled.Keys);
        Assert.Equal(["Snippet.cs:" + Snippets.LineOf(source, "Thread.Sleep")], result.Report.UncontrolledLocations["System.Threading.Thread::Sleep"]);
    }

    [Fact]
    public void Calls_on_a_generic_receiver_constrained_to_an_intercepted_type_still_work()
    {
        const string source = """
            using System.Threading;
            public static class S
            {
                private static int Release<T>(T sem) where T : SemaphoreSlim => sem.Release();
                private static bool Entered<T>(T gate) where T : class => Monitor.IsEntered(gate);
                public static int Run()
                {
                    var sem = new SemaphoreSlim(0);
                    return Release(sem) + Release(sem) + (Entered(sem) ? 10 : 0) + sem.CurrentCount * 100;
                }
            }
            """;
        var (result, value, recording) = RewriteAndRun(source, "S", "Run");
        Assert.Equal(0 + 1 + 200, value);
        // Roslyn emits `box !!T; callvirt SemaphoreSlim::Release` or `constrained. !!T callvirt`: replaced in the first case,
        // left alone with a note in the second. Either way the program still runs.
        var replaced = result.Report.ReplacedCalls.ContainsKey("System.Threading.SemaphoreSlim::Release");
        Assert.True(replaced || result.Report.Warnings.Any(w => w.Contains("constrained", StringComparison.Ordinal)), result.Report.ToString());
        Assert.Equal(replaced ? 2 : 0, recording.CallList.Count(c => c == "SemaphoreSlim.Release"));
        Assert.Contains("Monitor.IsEntered", recording.CallList);
    }

    [Fact]
    public void A_learner_type_named_like_a_framework_type_is_not_replaced()
    {
        const string source = """
            namespace System.Threading
            {
                public static class Monitor { public static void Enter(object o) { } public static void Exit(object o) { } }
            }
            public static class S
            {
                public static int Run() { System.Threading.Monitor.Enter(new object()); System.Threading.Monitor.Exit(new object()); return 1; }
            }
            """;
        var (result, value, recording) = RewriteAndRun(source, "S", "Run");
        Assert.Equal(1, value);
        Assert.Empty(recording.CallList);
        Assert.Empty(result.Report.ReplacedCalls);
        Assert.Empty(result.Report.UncontrolledApis);
    }

    [Fact]
    public void Concurrent_rewrites_are_safe()
    {
        var compiled = Snippets.Compile(RobustnessTests.Program("Varied.txt"), "Varied");
        var results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording)).ToList();
        Assert.All(results, r => Assert.Equal(results[0].Report.ToString().Split('\n').Skip(1), r.Report.ToString().Split('\n').Skip(1)));
        Assert.All(results, r => Assert.Equal(results[0].Dll.Length, r.Dll.Length));
    }

    [Fact]
    public void Rewriting_twice_is_detected()
    {
        var compiled = Snippets.Compile("public static class S { public static int Run() => 1; }");
        var once = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        Assert.True(AssemblyRewriter.IsRewritten(once.Dll));
        Assert.False(AssemblyRewriter.IsRewritten(compiled.Dll));
        var error = Assert.Throws<AlreadyRewrittenException>(() => AssemblyRewriter.Rewrite(once.Dll, once.Pdb, RewriteOptions.Learner, Maps.Recording));
        Assert.Equal("Snippet", error.AssemblyName);
        var skipped = AssemblyRewriter.Rewrite(once.Dll, once.Pdb, RewriteOptions.Learner with { WhenAlreadyRewritten = AlreadyRewrittenBehavior.ReturnUnchanged }, Maps.Recording);
        Assert.True(skipped.Report.AlreadyRewritten);
        Assert.Same(once.Dll, skipped.Dll);
    }

    [Fact]
    public void Static_method_group_of_an_intercepted_api_is_replaced()
    {
        const string source = """
            using System;
            using System.Threading;
            public static class S
            {
                public static bool Run()
                {
                    Func<object, bool> isEntered = Monitor.IsEntered;
                    return isEntered(new object());
                }
            }
            """;
        var (_, value, recording) = RewriteAndRun(source, "S", "Run");
        Assert.Equal(false, value);
        Assert.Equal(["Monitor.IsEntered"], recording.CallList);
    }

    [Fact]
    public void Map_reports_replacements_that_match_nothing()
    {
        var map = InterceptionMap.FromTypes(typeof(BogusMonitor));
        Assert.Contains(map.Diagnostics, d => d.Contains("BogusMonitor::Enter", StringComparison.Ordinal));
        Assert.Contains(map.Diagnostics, d => d.Contains("BogusMonitor::Exit", StringComparison.Ordinal));
        Assert.Empty(Maps.Recording.Diagnostics);
        Assert.Contains(Maps.Recording.Entries, e => e.Target == "System.Threading.Monitor::Enter(System.Object,System.Boolean&)System.Void");
    }

    [Fact]
    public void Hooks_assembly_is_the_interception_contract()
    {
        Assert.Equal(typeof(InterceptsAttribute).Assembly, typeof(SharedMemoryHooks).Assembly);
    }
}
