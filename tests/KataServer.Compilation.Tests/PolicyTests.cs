using System.Text.Json;
using KataServer.Compilation.Policy;
using Xunit.Abstractions;

namespace KataServer.Compilation.Tests;

public class PolicyTests(ITestOutputHelper output)
{
    private static string Wrap(string body, string usings = "", string members = "")
        => $$"""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            {{usings}}

            public sealed class Bank
            {
                public Bank(int accountCount, long initialBalance)
                {
                    {{body}}
                }
                {{members}}
            }
            """;

    private void AssertViolation(string source, string ruleId, string? symbolPart = null, ApiPolicy? policy = null)
    {
        var violations = Check.Policy(source, policy);
        foreach (var v in violations) output.WriteLine($"{v.Rule.Id}: {v.Message} [{v.Symbol}]");
        Assert.Contains(violations, v => v.Rule.Id == ruleId && (symbolPart is null || v.Symbol.Contains(symbolPart, StringComparison.Ordinal)));
        Assert.All(violations, v => Assert.True(v.Line > 0 && v.Column > 0));
    }

    // ---- the adversarial corpus (tests/corpus) -----------------------------------------------------

    public static IEnumerable<object[]> CorpusPolicyCases()
    {
        // Hand-kept rule expectations; the test below also checks expected.json so none is forgotten.
        yield return ["adversarial/adv-env-leak-exception.cs", "environment"];
        yield return ["adversarial/adv-file-write-ctor.cs", "file-system"];
        yield return ["adversarial/adv-pinvoke-system.cs", "interop"];
        yield return ["adversarial/adv-process-start.cs", "processes"];
        yield return ["adversarial/adv-reflection-tamper.cs", "reflection"];
        yield return ["adversarial/adv-tcp-loopback.cs", "network"];
        yield return ["adversarial/adv-exit-zero.cs", "process-exit"];
        yield return ["adversarial/adv-alloc-30gb.cs", "file-system"];
    }

    [Theory]
    [MemberData(nameof(CorpusPolicyCases))]
    public void Adversarial_corpus_file_is_rejected_with_the_right_rule(string file, string ruleId)
    {
        AssertViolation(Corpus.Read(file), ruleId);
    }

    [Fact]
    public void Every_expected_policy_finding_in_the_corpus_is_caught()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Corpus.Require("expected.json")));
        var missed = new List<string>();
        int checkedCount = 0;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            if (entry.GetProperty("finding").GetString() != "policy") continue;
            string file = entry.GetProperty("file").GetString()!;
            string kata = entry.GetProperty("kata").GetString()!;
            // The lock-free kata adds the blocking-primitive preset to the default policy.
            var policy = kata == "lock-free-stack" ? ApiPolicy.Default.WithDenied("@blocking") : ApiPolicy.Default;
            var violations = Check.Policy(Corpus.Read(file), policy);
            checkedCount++;
            if (violations.Count == 0) missed.Add(file);
            foreach (var v in violations) output.WriteLine($"{file}: {v.Rule.Id}: {v.Message}");
        }
        Assert.True(checkedCount >= 7, $"only {checkedCount} policy cases in expected.json");
        Assert.Empty(missed);
    }

    [Fact]
    public void Adversarial_files_without_a_policy_expectation_are_not_flagged_for_their_clean_parts()
    {
        // Attacks the sandbox handles (time, threads, stack): nothing the policy can or should refuse.
        foreach (var file in new[] { "adversarial/adv-infinite-loop.cs", "adversarial/adv-thread-bomb.cs", "adversarial/adv-stack-overflow.cs" })
        {
            var violations = Check.Policy(Corpus.Read(file))
                .Where(v => v.Rule.Id != "file-system") // the thread bomb writes a marker file
                .ToList();
            Assert.True(violations.Count == 0, file + ": " + string.Join("; ", violations));
        }
    }

    [Fact]
    public void Lock_free_kata_rejects_the_locking_stack_and_accepts_the_treiber_stack()
    {
        var policy = ApiPolicy.Default.WithDenied("@blocking");
        var locking = Check.Policy(Corpus.Read("lock-free-stack/bug-uses-lock.cs"), policy);
        Assert.Contains(locking, v => v.Rule.Id == "blocking-primitive" && v.Symbol == SyntaxNames.Lock);
        Assert.Contains(locking, v => v.Message.Contains("a `lock` statement is not allowed (blocking primitive)"));
        Assert.Empty(Check.Policy(Corpus.Read("lock-free-stack/ok-treiber.cs"), policy));
        Assert.Empty(Check.Policy(Corpus.Read("lock-free-stack/bug-pop-without-cas.cs"), policy));
    }

    [Fact]
    public void Correct_and_buggy_corpus_solutions_have_no_violation()
    {
        var flagged = new List<string>();
        foreach (var file in Corpus.Files().Where(f => !f.StartsWith("adversarial/", StringComparison.Ordinal)))
        {
            var violations = Check.Policy(Corpus.Read(file));
            if (violations.Count > 0) flagged.Add(file + ": " + string.Join("; ", violations));
        }
        Assert.Empty(flagged);
    }

    // ---- one hostile snippet per default-deny item -----------------------------------------

    public static IEnumerable<object[]> HostileSnippets()
    {
        object[] Case(string name, string rule, string body, string usings = "", string members = "", string? symbol = null)
            => [name, rule, body, usings, members, symbol ?? ""];

        yield return Case("file write", "file-system", "System.IO.File.WriteAllText(\"/tmp/x\", \"y\");", symbol: "System.IO.File.WriteAllText");
        yield return Case("file stream ctor", "file-system", "using var fs = new FileStream(\"/tmp/x\", FileMode.Create);", "using System.IO;", symbol: "System.IO.FileStream");
        yield return Case("directory listing", "file-system", "foreach (var f in Directory.EnumerateFiles(\"/\")) Console.WriteLine(f);", "using System.IO;");
        yield return Case("path", "file-system", "var p = Path.GetTempPath();", "using System.IO;");
        yield return Case("stream reader on a path", "file-system", "using var r = new StreamReader(\"/etc/passwd\");", "using System.IO;");
        yield return Case("using static", "file-system", "WriteAllText(\"/tmp/x\", \"y\");", "using static System.IO.File;", symbol: "System.IO.File.WriteAllText");
        yield return Case("alias", "file-system", "F.Delete(\"/tmp/x\");", "using F = System.IO.File;", symbol: "System.IO.File.Delete");
        yield return Case("method group", "file-system", "Func<string, string> read = File.ReadAllText; read(\"/etc/passwd\");", "using System.IO;");
        yield return Case("typeof", "file-system", "Console.WriteLine(typeof(File));", "using System.IO;", symbol: "System.IO.File");
        yield return Case("xml reader on a path", "file-system", "using var x = System.Xml.XmlReader.Create(\"/etc/passwd\");");
        yield return Case("socket", "network", "var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);");
        yield return Case("http", "network", "new System.Net.Http.HttpClient().GetStringAsync(\"http://x\").Wait();");
        yield return Case("dns", "network", "var a = System.Net.Dns.GetHostAddresses(\"localhost\");");
        yield return Case("process start", "processes", "System.Diagnostics.Process.Start(\"/bin/sh\");", symbol: "System.Diagnostics.Process.Start");
        yield return Case("process info", "processes", "var p = System.Diagnostics.Process.GetCurrentProcess().Id;");
        yield return Case("env read", "environment", "var h = Environment.GetEnvironmentVariable(\"HOME\");", symbol: "System.Environment.GetEnvironmentVariable");
        yield return Case("env write", "environment", "Environment.SetEnvironmentVariable(\"X\", \"1\");");
        yield return Case("env all", "environment", "var all = Environment.GetEnvironmentVariables();");
        yield return Case("command line", "environment", "var c = Environment.CommandLine;");
        yield return Case("exit", "process-exit", "Environment.Exit(0);", symbol: "System.Environment.Exit");
        yield return Case("fail fast", "process-exit", "Environment.FailFast(\"bye\");", symbol: "System.Environment.FailFast");
        yield return Case("trace listener fail", "process-exit", "new System.Diagnostics.DefaultTraceListener().Fail(\"x\");");
        yield return Case("exit code", "process-exit", "Environment.ExitCode = 0;");
        yield return Case("reflection invoke", "reflection", "Type.GetType(\"System.IO.File\")!.GetMethod(\"Delete\")!.Invoke(null, new object[] { \"/tmp/x\" });");
        yield return Case("reflection fields", "reflection", "var f = GetType().GetFields(BindingFlags.NonPublic | BindingFlags.Instance);", "using System.Reflection;");
        yield return Case("reflection via var", "reflection", "var asm = typeof(Bank).Assembly; Console.WriteLine(asm);", symbol: "System.Type.Assembly");
        yield return Case("assembly load", "reflection", "System.Reflection.Assembly.Load(new byte[0]);");
        yield return Case("activator", "reflection", "var o = Activator.CreateInstance(typeof(object));", symbol: "System.Activator");
        yield return Case("delegate method", "reflection", "Action a = () => { }; Console.WriteLine(a.Method.Name);");
        yield return Case("exception target site", "reflection", "try { } catch (Exception e) { Console.WriteLine(e.TargetSite); }");
        yield return Case("uninitialized object", "reflection", "var o = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(Bank));");
        yield return Case("run class constructor", "reflection", "System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Bank).TypeHandle);");
        yield return Case("unsafe accessor", "reflection", "", members: "[System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = \"_x\")] static extern ref int X(Bank b);");
        yield return Case("expression compile", "code-generation", "System.Linq.Expressions.Expression<Func<int>> e = () => 1; var f = e.Compile();");
        yield return Case("queryable", "code-generation", "var q = System.Linq.Queryable.AsQueryable(new[] { 1 }).Where(x => x > 0).ToList();", "using System.Linq;");
        yield return Case("reflection emit", "code-generation", "var m = new System.Reflection.Emit.DynamicMethod(\"m\", typeof(void), null);");
        yield return Case("enum flags alone", "reflection", "var f = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static;", symbol: "System.Reflection.BindingFlags");
        yield return Case("stack frame method", "reflection", "var m = new System.Diagnostics.StackFrame().GetMethod();", symbol: "System.Reflection.MethodBase");
        yield return Case("memory marshal", "interop", "int[] a = { 1 }; var s = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref a[0], 1000);");
        yield return Case("vector load unsafe", "unsafe", "int[] a = new int[4]; var v = System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref a[0], (nuint)1000);");
        yield return Case("foreach over denied enumerable", "file-system", "foreach (var line in System.IO.File.ReadLines(\"/etc/passwd\")) { }");
        yield return Case("generic new() smuggling", "processes", "var p = Make<System.Diagnostics.Process>();", members: "static T Make<T>() where T : new() => new T();");
        yield return Case("inferred generic smuggling", "processes", "Keep(System.Diagnostics.Process.GetCurrentProcess());", members: "static void Keep<T>(T t) { }");
        yield return Case("property pattern", "file-system", "if (new System.IO.FileInfo(\"/x\") is { Length: > 0 }) { }");
        yield return Case("derived type", "processes", "", members: "}\nclass P : System.Diagnostics.Process { }\nclass Dummy {");
        yield return Case("lambda body", "file-system", "Action<string> del = static x => System.IO.File.Delete(x);");
        yield return Case("interpolation", "environment", "Console.WriteLine($\"{Environment.UserName}\");");
        yield return Case("attribute typeof argument", "file-system", "", members: "[System.ComponentModel.Description(nameof(Bank))][Obsolete] void F() { var t = typeof(System.IO.FileInfo); }");
        yield return Case("switch arm", "environment", "var v = accountCount switch { 0 => Environment.MachineName, _ => \"\" };");
        yield return Case("dynamic", "dynamic", "dynamic d = 1; d.Foo();", symbol: SyntaxNames.Dynamic);
        yield return Case("dllimport", "interop", "", members: "[System.Runtime.InteropServices.DllImport(\"libc\")] private static extern int system(string c);");
        yield return Case("libraryimport", "interop", "", members: "[System.Runtime.InteropServices.LibraryImport(\"libc\")] private static partial int getpid();");
        yield return Case("extern alone", "interop", "", members: "private static extern int getpid();", symbol: SyntaxNames.Extern);
        yield return Case("marshal", "interop", "var p = System.Runtime.InteropServices.Marshal.AllocHGlobal(8);");
        yield return Case("native library", "interop", "var h = System.Runtime.InteropServices.NativeLibrary.Load(\"libc\");");
        yield return Case("function pointer", "interop", "", members: "static int Id(int x) => x; static unsafe void F() { delegate*<int, int> f = &Id; f(1); }", symbol: SyntaxNames.FunctionPointer);
        yield return Case("implicit conversion operator", "interop", "System.Runtime.InteropServices.NFloat n = 5; Console.WriteLine(n);");
        yield return Case("field offset", "explicit-layout", "", members: "[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)] struct U { [System.Runtime.InteropServices.FieldOffset(0)] public long A; }");
        yield return Case("unsafe block", "unsafe", "unsafe { int x = 1; int* p = &x; *p = 2; }", symbol: SyntaxNames.Unsafe);
        yield return Case("unsafe modifier", "unsafe", "", members: "unsafe void F() { }");
        yield return Case("stackalloc pointer", "unsafe", "", members: "unsafe void F() { int* p = stackalloc int[4]; }");
        yield return Case("fixed", "unsafe", "", members: "unsafe void F(int[] a) { fixed (int* p = a) { } }", symbol: SyntaxNames.Fixed);
        yield return Case("Unsafe class", "unsafe", "var s = System.Runtime.CompilerServices.Unsafe.As<string>(new object());");
        yield return Case("makeref", "unsafe", "int i = 0; var r = __makeref(i);");
        yield return Case("module initializer", "module-initializer", "", members: "[System.Runtime.CompilerServices.ModuleInitializer] internal static void Init() { }");
        yield return Case("finalizer", "finalizer", "", members: "~Bank() { Console.WriteLine(\"bye\"); }", symbol: SyntaxNames.Finalizer);
        yield return Case("console set out", "console-redirection", "Console.SetOut(System.IO.TextWriter.Null);", symbol: "System.Console.SetOut");
        yield return Case("console open stdout", "console-redirection", "var s = Console.OpenStandardOutput();");
        yield return Case("gc collect", "gc-control", "GC.Collect();", symbol: "System.GC.Collect");
        yield return Case("gc settings", "gc-control", "System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.Batch;");
        yield return Case("thread interrupt", "thread-control", "Thread.CurrentThread.Interrupt();");
        yield return Case("thread priority", "thread-control", "Thread.CurrentThread.Priority = ThreadPriority.Highest;");
        yield return Case("thread pool size", "thread-control", "ThreadPool.SetMinThreads(1000, 1000);");
        yield return Case("app domain", "runtime-config", "AppDomain.CurrentDomain.UnhandledException += (s, e) => { };", symbol: "System.AppDomain");
        yield return Case("app context switch", "runtime-config", "AppContext.SetSwitch(\"x\", true);");
        yield return Case("assembly load context", "runtime-config", "var c = new System.Runtime.Loader.AssemblyLoadContext(\"x\");");
        yield return Case("security", "security", "var r = System.Security.Cryptography.RandomNumberGenerator.GetInt32(10);");
        yield return Case("debugger", "debugger", "System.Diagnostics.Debugger.Break();");
        yield return Case("namespace spoofing", "spoofing", "", members: "}\nnamespace System.Threading.Tasks { public class Fake { } }\nclass Dummy {");
        yield return Case("kataserver namespace", "spoofing", "", members: "}\nnamespace KataServer.Testing { public class Fake { } }\nclass Dummy {");
        yield return Case("reserved type name", "spoofing", "", members: "}\npublic class System { }\nclass Dummy {");
    }

    [Theory]
    [MemberData(nameof(HostileSnippets))]
    public void Hostile_snippet_is_rejected(string name, string ruleId, string body, string usings, string members, string symbol)
    {
        output.WriteLine(name);
        AssertViolation(Wrap(body, usings, members), ruleId, symbol.Length == 0 ? null : symbol);
    }

    [Fact]
    public void Messages_name_the_line_the_member_and_the_rule()
    {
        string source = Wrap("System.IO.File.WriteAllText(\"/tmp/x\", \"y\");");
        var v = Assert.Single(Check.Policy(source));
        int line = source.Split('\n').ToList().FindIndex(l => l.Contains("WriteAllText")) + 1;
        Assert.Equal(line, v.Line);
        Assert.Equal($"line {line}: `System.IO.File.WriteAllText` is not allowed (file system access).", v.Message);
        Assert.Equal("file-system", v.Rule.Id);
        Assert.Equal("Submission.cs", v.File);
        Assert.False(string.IsNullOrWhiteSpace(v.Rule.Reason));
    }

    [Fact]
    public void One_line_of_enum_flags_gives_one_message()
    {
        var v = Check.Policy(Wrap("var f = typeof(Bank).GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static);"));
        foreach (var x in v) output.WriteLine(x.Message);
        Assert.Contains(v, x => x.Symbol == "System.Type.GetFields");
        Assert.True(v.Count <= 3, string.Join("\n", v));
    }

    [Fact]
    public void Constructors_and_attributes_read_naturally()
    {
        var ctor = Check.Policy(Wrap("var fs = new System.IO.FileStream(\"/x\", System.IO.FileMode.Open);"));
        Assert.Contains(ctor, v => v.Message.Contains("`new System.IO.FileStream(...)` is not allowed"));
        var attr = Check.Policy(Wrap("", members: "[System.Runtime.InteropServices.DllImport(\"libc\")] private static extern int system(string c);"));
        Assert.Contains(attr, v => v.Message.Contains("the attribute `[System.Runtime.InteropServices.DllImport]`"));
    }

    // ---- never flag correct code -------------------------------------------------------------

    private const string CorrectConcurrentCode = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Diagnostics;
        using System.IO;
        using System.Linq;
        using System.Runtime.CompilerServices;
        using System.Runtime.ExceptionServices;
        using System.Runtime.InteropServices;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using System.Text;

        public sealed record Transfer(int From, int To, long Amount);

        [StructLayout(LayoutKind.Sequential, Size = 128)]
        public struct PaddedLong { public long Value; }

        public sealed class Everything<T> : IDisposable where T : notnull
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private readonly SemaphoreSlim _sem = new(2, 2);
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly ConcurrentDictionary<T, int> _map = new();
            private readonly Channel<int> _channel = Channel.CreateBounded<int>(10);
            private readonly ThreadLocal<int> _local = new(() => 1);
            private readonly AsyncLocal<int> _async = new();
            private readonly TimeProvider _time;
            private ImmutableStack<int> _stack = ImmutableStack<int>.Empty;
            private PaddedLong _padded;
            private long _count;
            private volatile bool _stop;

            public Everything(TimeProvider time) => _time = time;

            public int Workers => Environment.ProcessorCount;
            public int Me => Environment.CurrentManagedThreadId;
            public long Ticks => Environment.TickCount64;

            public void Increment()
            {
                lock (_gate) { _count++; }
                lock (_lock) { _count++; }
                Interlocked.Increment(ref _count);
                Interlocked.Add(ref _padded.Value, 2);
                Volatile.Write(ref _stop, false);
                Monitor.Enter(_gate);
                try { Monitor.PulseAll(_gate); } finally { Monitor.Exit(_gate); }
                ImmutableInterlocked.Push(ref _stack, 1);
                var spin = new SpinWait();
                spin.SpinOnce();
                Thread.Yield();
                Thread.SpinWait(10);
                Thread.MemoryBarrier();
            }

            public async Task<int> RunAsync(Func<CancellationToken, Task<int>> work, CancellationToken ct = default)
            {
                await _sem.WaitAsync(ct).ConfigureAwait(false);
                try { return await work(ct); }
                finally { _sem.Release(); }
            }

            public async IAsyncEnumerable<int> Stream([EnumeratorCancellation] CancellationToken ct = default)
            {
                await foreach (var x in _channel.Reader.ReadAllAsync(ct)) yield return x;
            }

            public async ValueTask<int> Everything2()
            {
                var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                var t = new Thread(() => tcs.TrySetResult(1)) { IsBackground = true, Name = "worker" };
                t.Start();
                t.Join();
                await Task.WhenAll(Task.Run(() => 1), Task.Delay(1, cts.Token).ContinueWith(_ => 2));
                await Parallel.ForEachAsync(Enumerable.Range(0, 4), async (i, c) => await Task.Yield());
                Parallel.For(0, 4, i => Interlocked.Increment(ref _count));
                var sw = Stopwatch.StartNew();
                var results = new[] { 3, 1, 2 }.Where(x => x > 1).OrderBy(x => x).Select(x => (x, x * 2)).ToList();
                var (a, b) = results[0];
                foreach (var (k, v) in new Dictionary<string, int> { ["a"] = 1 }) Console.WriteLine($"{k}={v} {a} {b} {sw.Elapsed}");
                Console.WriteLine($"{typeof(T).Name} {GetType().Name} {typeof(T).FullName} {nameof(File)} {nameof(Environment.Exit)}");
                Console.Out.WriteLine("out");
                Console.Error.WriteLine("err");
                var sb = new StringBuilder().Append(Environment.NewLine);
                using var ms = new MemoryStream();
                using var writer = new StringWriter();
                writer.Write(sb);
                ms.WriteByte(1);
                Span<int> span = stackalloc int[4];
                span[0] = Random.Shared.Next();
                var lazy = new Lazy<int>(() => 1, LazyThreadSafetyMode.ExecutionAndPublication);
                _rw.EnterReadLock(); _rw.ExitReadLock();
                _map.AddOrUpdate(default!, 1, (_, o) => o + 1);
                var now = _time.GetUtcNow();
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
                var countdown = new CountdownEvent(1);
                countdown.Signal();
                var mres = new ManualResetEventSlim();
                mres.Set();
                GC.KeepAlive(this);
                try { throw new IOException("x"); }
                catch (IOException e) { ExceptionDispatchInfo.Capture(e); }
                catch (AggregateException e) when (e.InnerExceptions.Count > 0) { throw; }
                int hash = RuntimeHelpers.GetHashCode(this);
                object boxed = 5;
                if (boxed is int { } n && n switch { > 3 => true, _ => false }) Debug.Assert(n > 0);
                return lazy.Value + results.Count + now.Second + hash + _local.Value + _async.Value + (await tcs.Task);
            }

            public void Dispose()
            {
                _sem.Dispose();
                _rw.Dispose();
                GC.SuppressFinalize(this);
            }
        }
        """;

    [Fact]
    public void Normal_concurrent_code_has_no_violation()
    {
        var compilation = Check.Compile(CorrectConcurrentCode);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var violations = PolicyChecker.Check(compilation, ApiPolicy.Default);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void Blocking_preset_flags_every_blocking_use_in_normal_code()
    {
        var violations = PolicyChecker.Check(Check.Compile(CorrectConcurrentCode), ApiPolicy.Default.WithDenied("@blocking"));
        string all = string.Join("\n", violations.Select(v => v.Symbol));
        output.WriteLine(all);
        Assert.Contains(SyntaxNames.Lock, all);
        Assert.Contains("System.Threading.Monitor.Enter", all);
        Assert.Contains("System.Threading.SemaphoreSlim", all);
        Assert.Contains("System.Threading.ReaderWriterLockSlim", all);
        Assert.Contains("System.Collections.Concurrent.ConcurrentDictionary", all);
        Assert.Contains("System.Threading.CountdownEvent", all);
        Assert.Contains("System.Threading.ManualResetEventSlim", all);
        Assert.DoesNotContain("System.Threading.Interlocked", all);
        Assert.DoesNotContain("System.Threading.Volatile", all);
        Assert.All(violations, v => Assert.Equal("blocking-primitive", v.Rule.Id));
    }

    // ---- policy composition -----------------------------------------------------------------

    [Fact]
    public void Kata_allow_beats_default_deny_and_kata_deny_beats_allow()
    {
        string source = Wrap("GC.Collect();");
        Assert.NotEmpty(Check.Policy(source));
        Assert.Empty(Check.Policy(source, ApiPolicy.Default.WithAllowed("System.GC.Collect")));
        Assert.NotEmpty(Check.Policy(source, ApiPolicy.Default.WithAllowed("System.GC").WithDenied("System.GC.Collect")));

        string interlocked = Wrap("long x = 0; Interlocked.Increment(ref x);");
        var denied = Check.Policy(interlocked, ApiPolicy.Default.WithDenied("System.Threading.Interlocked"));
        Assert.Contains(denied, v => v.Rule.Id == "kata-rule" && v.Symbol == "System.Threading.Interlocked.Increment");
        Assert.Empty(Check.Policy(interlocked, ApiPolicy.Default.WithDenied("System.Threading.InterlockedX")));
    }

    [Fact]
    public void Analyzer_merges_compile_errors_and_policy_findings()
    {
        var all = SubmissionAnalyzer.Analyze(Check.Compiler, Wrap("Environment.Exit(1); int x = \"s\";"), ApiPolicy.Default, "Bank.cs");
        Assert.Contains(all, d => d.Id == "CS0029" && d.File == "Bank.cs" && d.Line > 0);
        Assert.Contains(all, d => d.Id == "KATA-POLICY-process-exit" && d.Message.Contains("`System.Environment.Exit`") && d.Line > 0);
    }

    [Fact]
    public void Manifest_lists_build_a_policy()
    {
        var policy = ApiPolicy.FromManifest(deny: ["@blocking", "System.Threading.Tasks.Parallel"], allow: ["System.GC.Collect"]);
        Assert.True(policy.Evaluate(SyntaxNames.Lock).Denied);
        Assert.Equal("kata-rule", policy.Evaluate("System.Threading.Tasks.Parallel.For").Rule!.Id);
        Assert.False(policy.Evaluate("System.GC.Collect").Denied);
        Assert.True(policy.Evaluate("System.IO.File").Denied);
        Assert.False(ApiPolicy.FromManifest(null, null).Evaluate("System.Threading.Monitor.Enter").Denied);
    }

    [Fact]
    public void Prefix_matching_respects_name_boundaries_and_wildcards()
    {
        Assert.True(ApiPolicy.Matches("System.IO", "System.IO.File.WriteAllText"));
        Assert.True(ApiPolicy.Matches("System.IO.FileStream", "System.IO.FileStream..ctor"));
        Assert.False(ApiPolicy.Matches("System.IO", "System.IOx"));
        Assert.False(ApiPolicy.Matches("System.Threading.Lock", "System.Threading.LockRecursionException"));
        Assert.True(ApiPolicy.Matches("System.Threading.Semaphore*", "System.Threading.SemaphoreSlim.Wait"));
        var d = ApiPolicy.Default;
        Assert.False(d.Evaluate("System.IO.MemoryStream.Write").Denied);
        Assert.True(d.Evaluate("System.IO.File.Delete").Denied);
        Assert.False(d.Evaluate("System.Environment.ProcessorCount").Denied);
        Assert.Equal("process-exit", d.Evaluate("System.Environment.Exit").Rule!.Id);
        Assert.False(d.EvaluateType("System.Environment").Denied);
        Assert.True(d.EvaluateType("System.IO.File").Denied);
        Assert.Throws<ArgumentException>(() => d.WithDenied("@nope"));
    }

    [Fact]
    public void Default_table_renders_as_markdown()
    {
        string md = DefaultPolicyTable.ToMarkdown();
        output.WriteLine(md);
        Assert.Contains("| file-system (file system access) |", md);
    }
}
