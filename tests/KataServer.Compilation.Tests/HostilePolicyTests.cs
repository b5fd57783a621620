using System.Text.RegularExpressions;
using KataServer.Compilation.Policy;
using Xunit.Abstractions;

namespace KataServer.Compilation.Tests;

/// <summary>
/// Hostile submissions for each class of policy bypass seen or imagined (issue 16): late binding through the
/// Visual Basic runtime, file-capable namespaces outside System.IO, reflection by name through odd routes,
/// types hidden in aliases, type arguments, patterns and attributes, test-infrastructure names, and code that
/// inspects who calls it. Each is refused twice: by the checker alone (on a compilation against the full
/// framework set), and by the grader's path (trimmed reference set, then the checker), with a readable message
/// naming the rule.
/// </summary>
public class HostilePolicyTests(ITestOutputHelper output)
{
    private static string Wrap(string body, string usings = "", string members = "", string after = "")
        => $$"""
            {{(usings.StartsWith("global using", StringComparison.Ordinal) ? usings : "")}}
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            {{(usings.StartsWith("global using", StringComparison.Ordinal) ? "" : usings)}}

            public sealed class Bank
            {
                private readonly long[] _balances = new long[4];
                public Bank(int accountCount, long initialBalance)
                {
                    {{body}}
                }
                public bool Transfer(int from, int to, long amount) { _balances[from] -= amount; _balances[to] += amount; return true; }
                {{members}}
            }
            {{after}}
            """;

    private static readonly Regex MessageShape = new(@"^line \d+: .+ is not allowed \(.+\)\.$", RegexOptions.Singleline);

    public static IEnumerable<object[]> Bypasses()
    {
        object[] Case(string name, string rule, string body, string usings = "", string members = "", string after = "")
            => [name, rule, body, usings, members, after];

        // Late binding and the Visual Basic runtime (the issue's attack: File, Environ, CallByName reach anything by name).
        yield return Case("vb late get", "visual-basic-runtime",
            "var o = Microsoft.VisualBasic.CompilerServices.NewLateBinding.LateGet(this, null, \"_balances\", new object[0], null, null, null);");
        yield return Case("vb call by name", "visual-basic-runtime",
            "Microsoft.VisualBasic.Interaction.CallByName(this, \"Transfer\", Microsoft.VisualBasic.CallType.Method, 0, 1, 5L);");
        yield return Case("vb file system", "visual-basic-runtime", "Console.WriteLine(Microsoft.VisualBasic.FileIO.FileSystem.ReadAllText(\"/etc/passwd\"));");
        yield return Case("vb environ", "visual-basic-runtime", "var home = Microsoft.VisualBasic.Interaction.Environ(\"HOME\");");
        yield return Case("vb using static", "visual-basic-runtime", "FileOpen(1, \"/tmp/x\", OpenMode.Output);", "using static Microsoft.VisualBasic.FileSystem;\nusing Microsoft.VisualBasic;");
        yield return Case("csharp binder", "dynamic",
            "var b = Microsoft.CSharp.RuntimeBinder.Binder.GetMember(Microsoft.CSharp.RuntimeBinder.CSharpBinderFlags.None, \"x\", typeof(Bank), null);");

        // File-capable namespaces that are not System.IO.
        yield return Case("tar extract", "file-system", "System.Formats.Tar.TarFile.ExtractToDirectory(new System.IO.MemoryStream(), \"/tmp\", true);");
        yield return Case("tar create", "file-system", "System.Formats.Tar.TarFile.CreateFromDirectory(\"/etc\", new System.IO.MemoryStream(), false);");
        yield return Case("tar reader", "file-system", "using var r = new System.Formats.Tar.TarReader(new System.IO.MemoryStream()); var e = r.GetNextEntry(); e?.ExtractToFile(\"/tmp/x\", true);");
        yield return Case("zip file", "file-system", "System.IO.Compression.ZipFile.ExtractToDirectory(\"/tmp/a.zip\", \"/tmp\");");
        yield return Case("memory mapped file", "file-system", "using var m = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateFromFile(\"/etc/passwd\");");
        yield return Case("xdocument load", "file-system", "var d = System.Xml.Linq.XDocument.Load(\"/etc/passwd\");");
        yield return Case("resource reader", "file-system", "using var r = new System.Resources.ResourceReader(\"/etc/passwd\");");
        yield return Case("json serializer (outside the allow-list)", "not-allowed-api", "var s = System.Text.Json.JsonSerializer.Serialize(this);");
        yield return Case("named pipe", "file-system", "using var p = new System.IO.Pipes.NamedPipeClientStream(\"x\");");
        yield return Case("time zone by path", "file-system", "var z = TimeZoneInfo.FindSystemTimeZoneById(\"../../../etc/passwd\");");
        yield return Case("unix socket", "network", "var e = new System.Net.Sockets.UnixDomainSocketEndPoint(\"/tmp/kata.sock\");");
        yield return Case("named mutex", "named-sync", "using var m = new Mutex(false, \"Global\\\\kata\");");
        yield return Case("open named semaphore", "named-sync", "var ok = Semaphore.TryOpenExisting(\"kata\", out var s);");

        // Reflection by name through odd routes.
        yield return Case("type by name", "reflection", "var t = Type.GetType(\"KataServer.Testing.Concurrent, KataServer.Testing\");");
        yield return Case("assemblies of the domain", "runtime-config", "foreach (var a in AppDomain.CurrentDomain.GetAssemblies()) Console.WriteLine(a);");
        yield return Case("activator by name", "reflection", "var h = Activator.CreateInstance(\"KataServer.Testing\", \"KataServer.Testing.Concurrent\");");
        yield return Case("type descriptor", "reflection", "var p = System.ComponentModel.TypeDescriptor.GetProperties(this);");
        yield return Case("expression by member name", "code-generation",
            "var e = System.Linq.Expressions.Expression.PropertyOrField(System.Linq.Expressions.Expression.Constant(this), \"_balances\");");
        yield return Case("delegate by method name", "reflection", "var d = Delegate.CreateDelegate(typeof(Action), this, \"Reset\");", members: "void Reset() { }");
        yield return Case("custom attributes", "reflection", "var a = Attribute.GetCustomAttributes(typeof(Bank));");
        yield return Case("type info extension", "reflection", "var i = System.Reflection.IntrospectionExtensions.GetTypeInfo(typeof(Bank));");
        yield return Case("type from handle", "reflection", "var t = Type.GetTypeFromHandle(default);");
        yield return Case("unsafe accessor type by name", "reflection", "",
            members: "[System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.StaticField, Name = \"Driver\")] static extern ref object? Driver([System.Runtime.CompilerServices.UnsafeAccessorType(\"KataServer.Testing.Concurrent, KataServer.Testing\")] object? _);");
        yield return Case("dispatch proxy", "reflection", "var p = System.Reflection.DispatchProxy.Create<IDisposable, P>();", after: "public class P : System.Reflection.DispatchProxy { protected override object? Invoke(System.Reflection.MethodInfo? m, object?[]? a) => null; }");
        yield return Case("uninitialized object", "reflection", "var o = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(Bank));");
        yield return Case("serialization", "reflection", "var o = System.Runtime.Serialization.FormatterServices.GetUninitializedObject(typeof(Bank));");

        // Types hidden in aliases, type arguments, patterns, defaults and signatures.
        yield return Case("alias of a generic", "file-system", "var l = new L();", "using L = System.Collections.Generic.List<System.IO.FileInfo>;");
        yield return Case("alias of a tuple", "processes", "T t = default;", "using T = (int Id, System.Diagnostics.Process P);");
        yield return Case("global using alias", "file-system", "F.Delete(\"/tmp/x\");", "global using F = System.IO.File;");
        yield return Case("type argument only", "processes", "var n = Count<System.Diagnostics.Process>();", members: "static int Count<T>() => 0;");
        yield return Case("default of a type", "file-system", "var f = default(System.IO.FileInfo);");
        yield return Case("is pattern", "file-system", "object o = this; if (o is System.IO.FileInfo { Length: > 0 } f) { }");
        yield return Case("cast", "processes", "object o = this; var p = (System.Diagnostics.Process)o;");
        yield return Case("switch on type", "processes", "object o = this; var n = o switch { System.Diagnostics.Process => 1, _ => 0 };");
        yield return Case("catch type", "file-system", "try { } catch (System.IO.FileLoadException) { }");
        yield return Case("parameter default", "file-system", "", members: "void F(System.IO.FileAttributes a = System.IO.FileAttributes.Hidden) { }");
        yield return Case("generic constraint", "file-system", "", members: "static void F<T>() where T : System.IO.FileSystemInfo { }");
        yield return Case("base type argument", "processes", "", after: "public class Procs : List<System.Diagnostics.Process> { }");
        yield return Case("lambda parameter type", "processes", "Action<System.Diagnostics.Process> a = p => { };");
        yield return Case("lambda natural type of a method group", "file-system", "var exists = System.IO.File.Exists;");
        yield return Case("local function signature", "file-system", "static System.IO.FileInfo? None() => null; None();");
        yield return Case("interpolation hole", "file-system", "Console.WriteLine($\"{System.IO.File.ReadAllText(\"/etc/passwd\")}\");");
        yield return Case("collection expression of a hidden type", "processes", "List<System.Diagnostics.Process> l = [];");
        yield return Case("foreach enumerator", "processes", "foreach (var p in System.Diagnostics.Process.GetProcesses()) { }");
        yield return Case("await of a file task", "file-system", "", members: "async Task F() => await System.IO.File.ReadAllTextAsync(\"/etc/passwd\");");
        yield return Case("query clause", "processes", "var ids = from p in System.Diagnostics.Process.GetProcesses() select p.Id;", "using System.Linq;");
        yield return Case("queryable query clause", "code-generation", "var q = from x in System.Linq.Queryable.AsQueryable(new[] { 1 }) where x > 0 select x;", "using System.Linq;");
        yield return Case("deconstruction", "file-system", "var (a, b) = (1, default(System.IO.FileInfo));");
        yield return Case("extension block", "file-system", "", after: "public static class Ext { extension(string s) { public void Boom() => System.IO.File.Delete(s); } }");
        yield return Case("partial method", "file-system", "", after: "public partial class Part { partial void P(); partial void P() { System.IO.File.Delete(\"/tmp/x\"); } }");
        yield return Case("property initializer", "environment", "", members: "public string Home { get; } = Environment.GetEnvironmentVariable(\"HOME\") ?? \"\";");
        yield return Case("field initializer", "environment", "", members: "private static readonly string s_user = Environment.UserName;");
        yield return Case("expression-bodied property", "environment", "", members: "public string Machine => Environment.MachineName;");
        yield return Case("static constructor", "environment", "", after: "public static class Boot { static Boot() { Environment.SetEnvironmentVariable(\"X\", \"1\"); } }");
        yield return Case("implicit user conversion", "environment", "Wrapper w = 5;", after: "public struct Wrapper { public static implicit operator Wrapper(int x) { Environment.SetEnvironmentVariable(\"X\", \"1\"); return default; } }");
        yield return Case("user operator", "file-system", "var v = new V() + new V();", after: "public struct V { public static V operator +(V a, V b) { System.IO.File.Delete(\"/tmp/x\"); return a; } }");

        // Attributes.
        yield return Case("attribute typeof argument", "file-system", "", members: "[Tag(typeof(System.IO.File))] void F() { }", after: "public sealed class TagAttribute(Type t) : Attribute { public Type T { get; } = t; }");
        yield return Case("attribute typeof array argument", "processes", "", members: "[Tags(new[] { typeof(System.Diagnostics.Process) })] void F() { }", after: "public sealed class TagsAttribute(Type[] t) : Attribute { public Type[] T { get; } = t; }");
        yield return Case("return attribute", "interop", "", members: "[return: System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.Bool)] bool F() => true;");
        yield return Case("assembly attribute", "not-allowed-api", "", usings: "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"KataTests\")]");
        yield return Case("module initializer", "module-initializer", "", after: "public static class Init { [System.Runtime.CompilerServices.ModuleInitializer] internal static void Run() { } }");
        yield return Case("explicit layout overlapping a reference", "explicit-layout", "",
            after: "[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)] public struct U { [System.Runtime.InteropServices.FieldOffset(0)] public object? O; [System.Runtime.InteropServices.FieldOffset(0)] public long L; }");
        yield return Case("explicit layout with an auto-property", "explicit-layout", "",
            after: "[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)] public struct U { [field: System.Runtime.InteropServices.FieldOffset(0)] public string? S { get; set; } [System.Runtime.InteropServices.FieldOffset(0)] public long L; }");

        // Test-infrastructure names (the reference set has none, and declaring or naming them is refused).
        yield return Case("kataserver namespace", "spoofing", "", after: "namespace KataServer.Testing { public static class Concurrent { } }");
        yield return Case("interceptor attribute declared", "spoofing", "",
            after: "namespace System.Runtime.CompilerServices { [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)] public sealed class InterceptsLocationAttribute(int version, string data) : Attribute { } }");
        yield return Case("ignores access checks", "spoofing", "", usings: "[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo(\"KataServer.Testing\")]",
            after: "namespace System.Runtime.CompilerServices { public sealed class IgnoresAccessChecksToAttribute(string a) : Attribute { } }");

        // Inspecting who calls: stack traces, thread names, caller info.
        yield return Case("new stack trace", "caller-inspection", "var frames = new System.Diagnostics.StackTrace().FrameCount;");
        yield return Case("stack frame", "caller-inspection", "var f = new System.Diagnostics.StackFrame(1);");
        yield return Case("environment stack trace", "caller-inspection", "var s = Environment.StackTrace;");
        yield return Case("exception stack trace", "caller-inspection", "try { throw new InvalidOperationException(); } catch (Exception e) { Console.WriteLine(e.StackTrace); }");
        yield return Case("thread name read", "caller-inspection", "if (Thread.CurrentThread.Name?.StartsWith(\"stress\") == true) return;");
        yield return Case("thread name compound", "caller-inspection", "Thread.CurrentThread.Name ??= \"mine\";");
        yield return Case("thread name in a pattern", "caller-inspection", "if (Thread.CurrentThread is { Name: \"stress\" }) return;");
        yield return Case("scheduler type name", "caller-inspection", "if (TaskScheduler.Current.GetType().Name.Contains(\"Controlled\")) return;");
        yield return Case("synchronization context", "caller-inspection", "var explored = SynchronizationContext.Current is not null;");
        yield return Case("thread pool thread", "caller-inspection", "if (Thread.CurrentThread.IsThreadPoolThread) return;");
        yield return Case("caller member name", "caller-inspection", "", members: "public void Deposit(long amount, [System.Runtime.CompilerServices.CallerMemberName] string caller = \"\") { }");
        yield return Case("caller argument expression", "caller-inspection", "", members: "public void Withdraw(long amount, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(amount))] string expr = \"\") { }");
        yield return Case("caller file path", "caller-inspection", "", members: "public void Audit([System.Runtime.CompilerServices.CallerFilePath] string file = \"\") { }");

        // Telling the explorer from real threads by the runtime's counters, or carrying what one schedule saw into the next.
        yield return Case("thread pool thread count", "runtime-counters", "if (ThreadPool.ThreadCount < 3) return;");
        yield return Case("thread pool work items", "runtime-counters", "var seen = ThreadPool.CompletedWorkItemCount + ThreadPool.PendingWorkItemCount;");
        yield return Case("thread pool available threads", "runtime-counters", "ThreadPool.GetAvailableThreads(out int workers, out int io); ThreadPool.GetMaxThreads(out workers, out io);");
        yield return Case("thread state", "runtime-counters", "if ((Thread.CurrentThread.ThreadState & ThreadState.Unstarted) != 0) return;");
        yield return Case("task current id", "runtime-counters", "if (Task.CurrentId is not null) return;");
        yield return Case("default culture as a flag", "process-state", "System.Globalization.CultureInfo.DefaultThreadCurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;");
        yield return Case("current culture as a flag", "process-state", "System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;");
        yield return Case("thread culture as a flag", "process-state", "Thread.CurrentThread.CurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;");
        yield return Case("intern pool as a flag", "process-state", "string.Intern(\"explored\"); if (string.IsInterned(new string('x', 3)) is null) return;");
    }

    [Theory]
    [MemberData(nameof(Bypasses))]
    public void The_checker_alone_refuses_it(string name, string ruleId, string body, string usings, string members, string after)
    {
        output.WriteLine(name);
        var violations = Check.Policy(Wrap(body, usings, members, after));
        foreach (var v in violations) output.WriteLine($"{v.Rule.Id}: {v.Message}");
        Assert.Contains(violations, v => v.Rule.Id == ruleId);
        Assert.All(violations, v => Assert.Matches(MessageShape, v.Message));
    }

    [Theory]
    [MemberData(nameof(Bypasses))]
    public void The_grader_path_refuses_it_at_compile_time_naming_the_rule(string name, string ruleId, string body, string usings, string members, string after)
    {
        output.WriteLine(name);
        var outcome = Check.Compiler.CompileSubmission(Wrap(body, usings, members, after));
        var violations = outcome.Success ? PolicyChecker.Check(outcome.Compilation, ApiPolicy.Default) : outcome.PolicyViolations;
        foreach (var v in violations) output.WriteLine($"{v.Rule.Id}: {v.Explained}");
        foreach (var e in outcome.Errors) output.WriteLine(e.ToString());
        Assert.Contains(violations, v => v.Rule.Id == ruleId);
        Assert.All(violations, v => Assert.Matches(MessageShape, v.Message));
    }

    [Fact]
    public void Names_outside_the_trimmed_set_read_as_policy_findings_not_as_missing_types()
    {
        var outcome = Check.Compiler.CompileSubmission(Wrap("System.Formats.Tar.TarFile.CreateFromDirectory(\"/etc\", \"/tmp/x.tar\", false); var c = new TcpClient();",
            usings: "using System.Net.Sockets;"));
        Assert.False(outcome.Success);
        foreach (var d in outcome.Diagnostics) output.WriteLine(d.ToString());
        Assert.Contains(outcome.PolicyViolations, v => v.Rule.Id == "file-system" && v.Message.Contains("`System.Formats.Tar.TarFile", StringComparison.Ordinal));
        Assert.Contains(outcome.PolicyViolations, v => v.Rule.Id == "network" && v.Message.Contains("`new System.Net.Sockets.TcpClient(...)`", StringComparison.Ordinal));
        Assert.All(outcome.Errors, e => Assert.StartsWith(SubmissionAnalyzer.PolicyIdPrefix, e.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(outcome.Diagnostics, d => d.Id is "CS0234" or "CS0246");
    }

    [Theory]
    [InlineData("var d = KataServer.Testing.Concurrent.Driver;")]
    [InlineData("var d = global::KataServer.Grading.Pipeline.Grader.Version;")]
    [InlineData("var d = typeof(KataServer.Testing.Concurrent);")]
    public void Test_infrastructure_types_cannot_be_named(string body)
    {
        var outcome = Check.Compiler.CompileSubmission(Wrap(body, usings: "using KataServer.Testing;"));
        Assert.False(outcome.Success);
        Assert.Contains(outcome.Errors, e => e.Message.Contains("KataServer", StringComparison.Ordinal));
    }

    [Fact]
    public void The_editor_analyzer_shows_the_rule_for_a_name_outside_the_trimmed_set()
    {
        var all = SubmissionAnalyzer.Analyze(Check.Compiler, Wrap("System.Formats.Tar.TarFile.CreateFromDirectory(\"/etc\", \"/tmp/x.tar\", false);"), ApiPolicy.Default);
        foreach (var d in all) output.WriteLine(d.ToString());
        Assert.Contains(all, d => d.Id == SubmissionAnalyzer.PolicyIdPrefix + "file-system" && d.Message.Contains("System.Formats.Tar.TarFile", StringComparison.Ordinal));
        Assert.DoesNotContain(all, d => d.Id is "CS0234" or "CS0246");
    }

    [Fact]
    public void A_typo_stays_a_compile_error()
    {
        var outcome = Check.Compiler.CompileSubmission(Wrap("Conosle.WriteLine(1); var x = new Dictionary<int, Strin>();"));
        Assert.False(outcome.Success);
        Assert.Empty(outcome.PolicyViolations);
        Assert.Contains(outcome.Errors, e => e.Id == "CS0103");
        Assert.Contains(outcome.Errors, e => e.Id == "CS0246");
    }

    [Fact]
    public void What_the_checker_would_miss_still_cannot_bind_in_the_trimmed_set()
    {
        // A policy that allows everything, as if the checker had a gap: the learner's reference set still lacks the APIs.
        string source = Wrap("""
            Microsoft.VisualBasic.Interaction.Environ("HOME");
            System.Formats.Tar.TarFile.CreateFromDirectory("/etc", "/tmp/x.tar", false);
            new System.Net.Sockets.TcpClient();
            System.Diagnostics.Process.Start("/bin/sh");
            var e = System.Linq.Expressions.Expression.Constant(1);
            var j = System.Text.Json.JsonSerializer.Serialize(1);
            System.IO.Compression.ZipFile.CreateFromDirectory("/etc", "/tmp/x.zip");
            """);
        var compilation = Check.Compile(source);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        foreach (var e in errors) output.WriteLine(e.ToString());
        var lines = errors.Select(e => e.Location.GetLineSpan().StartLinePosition.Line).Distinct().Count();
        Assert.Equal(7, lines);
        Assert.DoesNotContain(compilation.ReferencedAssemblyNames, a => a.Name.StartsWith("KataServer", StringComparison.Ordinal));
    }

    [Fact]
    public void The_trimmed_set_keeps_what_concurrency_code_needs_and_drops_the_rest()
    {
        var names = Check.Compiler.References.LearnerAssemblyNames().ToHashSet(StringComparer.Ordinal);
        output.WriteLine(string.Join(", ", names.Order()));
        foreach (var needed in new[] { "System.Runtime.dll", "System.Collections.dll", "System.Collections.Concurrent.dll", "System.Threading.dll",
                     "System.Threading.Channels.dll", "System.Linq.dll", "System.Console.dll", "System.Collections.Immutable.dll" })
        {
            if (Check.Compiler.References.Paths.Any(p => Path.GetFileName(p) == needed)) Assert.Contains(needed, names);
        }
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.VisualBasic", StringComparison.Ordinal) || n == "Microsoft.CSharp.dll"
            || n.StartsWith("System.Formats.", StringComparison.Ordinal) || n.StartsWith("System.Net.", StringComparison.Ordinal)
            || n.StartsWith("System.IO.Compression", StringComparison.Ordinal) || n.StartsWith("System.IO.FileSystem", StringComparison.Ordinal)
            || n.StartsWith("System.IO.Pipes", StringComparison.Ordinal) || n.StartsWith("System.IO.MemoryMapped", StringComparison.Ordinal)
            || n.StartsWith("System.Xml", StringComparison.Ordinal) || n.StartsWith("System.Reflection.Emit", StringComparison.Ordinal)
            || n.StartsWith("System.Linq.Expressions", StringComparison.Ordinal) || n == "System.Text.Json.dll"
            || n == "System.Diagnostics.Process.dll" || n == "System.Runtime.Loader.dll" || n.StartsWith("KataServer", StringComparison.Ordinal));
    }

    // ---- idiomatic code the allow-list must not refuse --------------------------------------------

    public static IEnumerable<object[]> Idioms()
    {
        object[] Case(string name, string body, string usings = "", string members = "", string after = "") => [name, body, usings, members, after];
        yield return Case("cache-line padding with explicit layout", "var p = new Padded(); p.Value = 1;",
            usings: "using System.Runtime.InteropServices;",
            after: "[StructLayout(LayoutKind.Explicit, Size = 128)] public struct Padded { [FieldOffset(64)] public long Value; }");
        yield return Case("explicit layout union of numbers", "var u = new Bits { D = 1.0 }; Console.WriteLine(u.L);",
            usings: "using System.Runtime.InteropServices;",
            after: "[StructLayout(LayoutKind.Explicit)] public struct Bits { [FieldOffset(0)] public double D; [FieldOffset(0)] public long L; }");
        yield return Case("explicit layout class of numbers", "var c = new Counters();",
            usings: "using System.Runtime.InteropServices;",
            after: "[StructLayout(LayoutKind.Explicit)] public sealed class Counters { [FieldOffset(0)] public long A; [FieldOffset(64)] public long B; }");
        yield return Case("naming threads", "var t = new Thread(() => { }) { Name = \"worker\", IsBackground = true }; t.Start(); t.Join(); Thread.CurrentThread.Name = \"main\";");
        yield return Case("stopwatch and debug", "var sw = System.Diagnostics.Stopwatch.StartNew(); System.Diagnostics.Debug.Assert(sw.ElapsedTicks >= 0);");
        yield return Case("awaiters and configure await", "", members: "async Task<int> F(Task<int> t, ValueTask v) { await v.ConfigureAwait(false); await Task.Yield(); return await t.ConfigureAwait(false); }");
        yield return Case("interpolated strings and records", "var r = new R(1) with { X = 2 }; Console.WriteLine($\"{r} {r.X,5:D3}\"); FormattableString f = $\"{r}\";",
            after: "public sealed record R(int X);");
        yield return Case("collection expressions", "List<int> l = [1, 2]; System.Collections.Immutable.ImmutableArray<int> a = [1]; int[] s = [.. l, .. a]; ReadOnlySpan<int> sp = [1, 2];");
        yield return Case("ranges on arrays and strings", "int[] a = [1, 2, 3]; var b = a[1..]; var s = \"abc\"[..2]; var last = a[^1];");
        yield return Case("generic math and bit operations", "var n = System.Numerics.BitOperations.PopCount(7u) + System.Numerics.BigInteger.One.GetHashCode() + Math.Max(1, 2);");
        yield return Case("value task source", "var core = new System.Threading.Tasks.Sources.ManualResetValueTaskSourceCore<int>(); core.RunContinuationsAsynchronously = true;");
        yield return Case("array pool and culture", "var a = System.Buffers.ArrayPool<int>.Shared.Rent(4); System.Buffers.ArrayPool<int>.Shared.Return(a); var s = 1.5.ToString(System.Globalization.CultureInfo.InvariantCulture);");
        yield return Case("method impl and nullable attributes", "", members: "[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] bool Try([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? s) { s = \"\"; return true; }");
        yield return Case("inline array", "var b = new Buf(); b[0] = 1;", after: "[System.Runtime.CompilerServices.InlineArray(8)] public struct Buf { private long _e; }");
        yield return Case("enumerator cancellation", "", members: "async IAsyncEnumerable<int> S([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default) { await Task.Yield(); yield return 1; }");
        yield return Case("exception dispatch and aggregate", "try { } catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException!).Throw(); }");
        yield return Case("conditional weak table and strong box", "var t = new System.Runtime.CompilerServices.ConditionalWeakTable<object, System.Runtime.CompilerServices.StrongBox<int>>();");
        yield return Case("vectors", "var v = System.Runtime.Intrinsics.Vector128.Create(1) + System.Runtime.Intrinsics.Vector128<int>.One; var w = new System.Numerics.Vector<int>(2);");
        yield return Case("exception message and data", "try { } catch (Exception e) { Console.WriteLine(e.Message + e.GetType().Name + e.Data.Count + e.InnerException?.Message); }");
        yield return Case("unnamed wait handles", "using var m = new Mutex(); using var s = new Semaphore(1, 1); using var e = new EventWaitHandle(false, EventResetMode.AutoReset);");
        yield return Case("regex", "var ok = System.Text.RegularExpressions.Regex.IsMatch(\"a1\", \"[a-z][0-9]\");");
        yield return Case("processor count and reading the culture", "int n = Environment.ProcessorCount; var c = System.Globalization.CultureInfo.CurrentCulture.Name + Thread.CurrentThread.CurrentCulture.Name;");
    }

    [Theory]
    [MemberData(nameof(Idioms))]
    public void Idiomatic_code_compiles_against_the_trimmed_set_and_passes(string name, string body, string usings, string members, string after)
    {
        output.WriteLine(name);
        var outcome = Check.Compiler.CompileSubmission(Wrap(body, usings, members, after));
        Assert.True(outcome.Success, string.Join("\n", outcome.Errors));
        var violations = PolicyChecker.Check(outcome.Compilation, ApiPolicy.Default);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void Per_kata_allow_widens_both_the_checker_and_the_reference_set()
    {
        string source = Wrap("var s = System.Text.Json.JsonSerializer.Serialize(new[] { 1, 2 });");
        Assert.False(Check.Compiler.CompileSubmission(source).Success);
        var policy = ApiPolicy.FromManifest(deny: null, allow: ["System.Text.Json"]);
        var outcome = Check.Compiler.CompileSubmission(source, policy: policy);
        Assert.True(outcome.Success, string.Join("\n", outcome.Errors));
        Assert.Empty(PolicyChecker.Check(outcome.Compilation, policy));
    }
}
