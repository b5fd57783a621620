namespace KataServer.Rewriting.Tests;

public class SharedMemoryHookTests
{
    private static (RewriteResult Result, object? Value, Recording Recording) Run(string source, string type = "S", string method = "Run", bool optimize = false)
    {
        var compiled = Snippets.Compile(source, optimize: optimize);
        var result = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(result.Dll, result.Pdb);
        var recording = Recorder.Start();
        var value = Sandbox.Run(assembly, type, method);
        return (result, value, recording);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Increment_of_a_field_is_a_read_then_a_write_on_the_owning_object(bool optimize)
    {
        const string source = """
            public sealed class Counter
            {
                public int count;
                public void Inc() { count++; }
            }
            public static class S
            {
                public static object Run() { var c = new Counter(); c.Inc(); c.Inc(); return c; }
            }
            """;
        var (result, value, recording) = Run(source, optimize: optimize);
        var counter = Assert.IsAssignableFrom<object>(value);
        var accesses = recording.AccessList;
        Assert.Equal([false, true, false, true], accesses.Select(a => a.IsWrite));
        Assert.All(accesses, a => Assert.Same(counter, a.Owner));
        Assert.All(accesses, a => Assert.Equal("Counter.count", a.What));
        Assert.Equal(2, (int)counter.GetType().GetField("count")!.GetValue(counter)!);
        Assert.Equal(1, result.Report.FieldReadHooks);
        Assert.Equal(1, result.Report.FieldWriteHooks);
    }

    [Fact]
    public void Static_struct_generic_volatile_and_auto_property_fields_are_hooked()
    {
        const string source = """
            public struct Point { public int X; public void Bump() { X++; } }
            public sealed class Box<T> { public T Value; public T Swap(T v) { var old = Value; Value = v; return old; } }
            public sealed class Flags { public volatile bool Stop; public int Auto { get; set; } }
            public static class S
            {
                public static int Total;
                public static string Run()
                {
                    Total += 1;
                    var p = new Point(); p.Bump();
                    var b = new Box<string>(); b.Swap("a"); var old = b.Swap("b");
                    var f = new Flags(); f.Stop = true; f.Auto = 5;
                    return Total + "," + p.X + "," + old + b.Value + "," + f.Stop + f.Auto;
                }
            }
            """;
        var (_, value, recording) = Run(source);
        Assert.Equal("1,1,ab,True5", value);
        var seen = recording.AccessList.Where(a => !a.What.StartsWith('[')).Select(a => (a.IsWrite ? "W " : "R ") + a.What + (a.Owner is null ? " null" : "")).ToList();
        Assert.Equal(
        [
            "R S.Total null", "W S.Total null",
            "R Point.X null", "W Point.X null",
            "R Box`1.Value", "W Box`1.Value", "R Box`1.Value", "W Box`1.Value",
            "W Flags.Stop", "W Flags.<Auto>k__BackingField",
            "R S.Total null", "R Point.X null", "R Box`1.Value", "R Flags.Stop", "R Flags.<Auto>k__BackingField",
        ], seen);
    }

    [Fact]
    public void Readonly_fields_state_machine_fields_and_lambda_caches_are_not_hooked_but_captured_variables_are()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;
            public static class S
            {
                private static readonly int[] Data = { 1, 2 };
                public static async Task<int> Run()
                {
                    int captured = 0;
                    Action add = () => captured++;
                    Func<int, int> twice = x => x * 2;
                    add();
                    await Task.Yield();
                    add();
                    return twice(captured);
                }
            }
            """;
        var (_, value, recording) = Run(source);
        Assert.Equal(4, value);
        var names = recording.AccessList.Select(a => (a.IsWrite ? "W " : "R ") + a.What).ToList();
        Assert.DoesNotContain(names, n => n.Contains("<>1__state", StringComparison.Ordinal) || n.Contains("<>t__builder", StringComparison.Ordinal) ||
                                          n.Contains("<>u__", StringComparison.Ordinal) || n.Contains("<>9", StringComparison.Ordinal) ||
                                          n.Contains("Data", StringComparison.Ordinal));
        // In an async method the closure lives in a state-machine field, so its initialization is hooked too.
        Assert.Equal(["W S+<>c__DisplayClass1_0.captured", "R S+<>c__DisplayClass1_0.captured", "W S+<>c__DisplayClass1_0.captured",
            "R S+<>c__DisplayClass1_0.captured", "W S+<>c__DisplayClass1_0.captured", "R S+<>c__DisplayClass1_0.captured"], names);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Array_initializers_and_params_arrays_are_not_shared_memory(bool optimize)
    {
        const string source = """
            public static class S
            {
                private static int Sum(params int[] xs) { int s = 0; foreach (var x in xs) s += x; return s; }
                public static string Run()
                {
                    int x = 3;
                    var a = new[] { 1, 2, x };
                    var jag = new[] { new[] { x }, new int[2] };
                    string s = "a" + x + "b" + a[0] + "c" + a[1] + "d";
                    a[1] = 5;
                    return s + Sum(x, x, a[1]) + jag[0][0];
                }
            }
            """;
        var (result, value, recording) = Run(source, optimize: optimize);
        Assert.Equal("a3b1c2d113", value);
        Assert.Equal(1, result.Report.ArrayWriteHooks);
        Assert.Equal(["[1]"], recording.AccessList.Where(a => a.IsWrite).Select(a => a.What));
    }

    [Fact]
    public void Object_initializers_of_unpublished_objects_are_not_shared_memory()
    {
        const string source = """
            public sealed class C { public int A; public int B; }
            public static class S
            {
                public static int Run()
                {
                    var c = new C { A = 1, B = 2 };
                    c.A = 3;
                    return c.A + c.B;
                }
            }
            """;
        var (_, value, recording) = Run(source, optimize: true);
        Assert.Equal(5, value);
        Assert.Equal(["W C.A", "R C.A", "R C.B"], recording.AccessList.Select(a => (a.IsWrite ? "W " : "R ") + a.What));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Closure_initialization_before_any_delegate_exists_is_not_shared_memory(bool optimize)
    {
        const string source = """
            using System;
            public sealed class Box { public int V; }
            public static class S
            {
                public static int Run(int start)
                {
                    int n = start;
                    var box = new Box();
                    Action inc = () => { n++; box.V++; };
                    inc();
                    n += 10;
                    return n + box.V;
                }
            }
            """;
        var compiled = Snippets.Compile(source, optimize: optimize);
        var result = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        using var sandbox = new Sandbox();
        var recording = Recorder.Start();
        Assert.Equal(14, Sandbox.Run(sandbox.Load(result.Dll, result.Pdb), "S", "Run", 2));
        var seen = recording.AccessList.Select(a => (a.IsWrite ? "W " : "R ") + a.What.Replace("S+<>c__DisplayClass0_0.", "", StringComparison.Ordinal)).ToList();
        // n = start and box = new Box() fill the closure before the lambda exists: not hooked. `box` is never assigned
        // again, so the captured variable is immutable once shared and its reads are not hooked either; `n` is.
        Assert.Equal(["R n", "W n", "R Box.V", "W Box.V", "R n", "W n", "R n", "R Box.V"], seen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_of_private_fields_written_only_by_constructors_are_not_hooked(bool optimize)
    {
        const string source = """
            public sealed class Counter
            {
                private object _gate = new object();   // not readonly, but only the constructor writes it
                private static object s_registry;       // only the static constructor writes it
                private int _n;
                private int _limit;
                public int Public;
                static Counter() { s_registry = new object(); }
                public Counter(int limit) { _limit = limit; Public = 1; }
                public bool Inc()
                {
                    lock (_gate) { if (_n >= _limit) return false; _n++; return s_registry != null; }
                }
                public int N => _n;
            }
            public static class S
            {
                public static int Run() { var c = new Counter(2); c.Inc(); c.Inc(); c.Inc(); return c.N + c.Public; }
            }
            """;
        var (result, value, recording) = Run(source, optimize: optimize);
        Assert.Equal(3, value);
        // _gate, _limit, s_registry: neither their reads nor their constructor writes are hooked. Public is public (the kata
        // tests could write it), _n changes after construction.
        var names = recording.AccessList.Select(a => a.What).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Counter.Public", "Counter._n"], names);
        Assert.True(result.Report.ImmutableFieldReadsSkipped >= 3, result.Report.ToString());

        var all = AssemblyRewriter.Rewrite(Snippets.Compile(source, optimize: optimize).Dll, null,
            RewriteOptions.Learner with { InstrumentImmutableFieldReads = true }, Maps.Recording);
        Assert.Equal(0, all.Report.ImmutableFieldReadsSkipped);
        Assert.True(all.Report.FieldReadHooks > result.Report.FieldReadHooks);
    }

    [Fact]
    public void Readonly_instance_field_reads_are_hooked_only_when_asked()
    {
        const string source = """
            public sealed class C { private readonly int _k = 3; public int K => _k; }
            public static class S { public static int Run() => new C().K; }
            """;
        var compiled = Snippets.Compile(source);
        var off = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, Maps.Recording);
        var on = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner with { InstrumentReadonlyFieldReads = true }, Maps.Recording);
        Assert.Equal(0, off.Report.FieldReadHooks);
        Assert.Equal(1, on.Report.FieldReadHooks);
        Assert.Equal(0, on.Report.FieldWriteHooks); // the initializer's write is construction, never hooked
        using var sandbox = new Sandbox();
        var recording = Recorder.Start();
        Assert.Equal(3, Sandbox.Run(sandbox.Load(on.Dll, on.Pdb), "S", "Run"));
        Assert.Equal(["C._k"], recording.AccessList.Select(a => a.What));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Array_element_reads_and_writes_report_array_and_index(bool optimize)
    {
        const string source = """
            public struct P { public int A; }
            public static class S
            {
                public static object Run()
                {
                    var a = new int[3];
                    a[1] = 5;
                    a[2] += a[1];
                    long i = 0;
                    a[i] = 7;
                    var g = new P[2];
                    g[1].A = 3;
                    var objs = new object[1];
                    objs[0] = "x";
                    return a[0] + a[1] + a[2] + g[1].A + (string)objs[0];
                }
            }
            """;
        var (result, value, recording) = Run(source, optimize: optimize);
        Assert.Equal("20x", value);
        var accesses = recording.AccessList;
        var arrays = accesses.Where(x => x.What.StartsWith('[')).Select(x => (x.IsWrite ? "W" : "R") + x.What).ToList();
        // a[2] += a[1] takes the element's address (ldelema; dup; ldind; ...; stind): a read, then a write just before the store.
        // g[1].A = 3 is ldelema + stfld: the element is written (and so is P.A, owner null).
        Assert.Equal(["W[1]", "R[2]", "R[1]", "W[2]", "W[0]", "R[1]", "W[1]", "W[0]", "R[0]", "R[1]", "R[2]", "R[1]", "R[0]"], arrays);
        Assert.Contains(accesses, x => x is { IsWrite: true, Owner: null, What: "P.A" });
        Assert.True(result.Report.ArrayReadHooks >= 7);
        var aWrite = accesses.ToList().FindIndex(x => x is { IsWrite: true, What: "P.A" });
        Assert.Equal("[1]", accesses[aWrite - 1].What);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Compound_assignment_through_an_element_or_field_address_is_a_read_then_a_write(bool optimize)
    {
        const string source = """
            public struct V { public int X; }
            public sealed class C { public V Vec; public static int[] Hist = new int[4]; }
            public static class S
            {
                public static int Run()
                {
                    var c = new C();
                    int[] h = C.Hist;
                    h[2]++;
                    h[3] += h[2] * 5;
                    c.Vec.X += 2;
                    ref int r = ref h[1];
                    r = 9;
                    return h[2] + h[3] + c.Vec.X + h[1];
                }
            }
            """;
        var (_, value, recording) = Run(source, optimize: optimize);
        Assert.Equal(1 + 5 + 2 + 9, value);
        var seen = recording.AccessList.Where(a => a.What != "C.Hist").Select(a => (a.IsWrite ? "W" : "R") + a.What).ToList();
        // `ref int r = ref h[1]; r = 9;` writes through a ref local: seen as a write only when the compiler keeps the
        // address on the stack (Release); in Debug it goes through a local and only the address-taking read is seen.
        string[] refLocal = optimize ? ["R[1]", "W[1]"] : ["R[1]"];
        Assert.Equal(["R[2]", "W[2]", "R[3]", "R[2]", "W[3]", "RC.Vec", "RV.X", "WC.Vec", "WV.X", .. refLocal, "R[2]", "R[3]", "RC.Vec", "RV.X", "R[1]"], seen);
    }

    [Fact]
    public void Interlocked_on_a_field_hooks_the_address_taking_as_a_read_and_replaces_the_call()
    {
        const string source = """
            using System.Threading;
            public sealed class C
            {
                private int _n;
                public int Next() => Interlocked.Increment(ref _n);
                public static int Run() { var c = new C(); c.Next(); return c.Next(); }
            }
            """;
        var (_, value, recording) = Run(source, type: "C");
        Assert.Equal(2, value);
        Assert.Equal(["Interlocked.Increment", "Interlocked.Increment"], recording.CallList);
        Assert.Equal([false, false], recording.AccessList.Select(a => a.IsWrite));
        Assert.All(recording.AccessList, a => Assert.Equal("C._n", a.What));
    }

    [Fact]
    public void Compiler_delegate_caches_are_not_hooked_so_every_run_takes_the_same_steps()
    {
        // A method group converted to a delegate is cached in a static field of `<>O` on first use (C# 11+), a lambda
        // in `<>c`: hooking them would give the first schedule an extra write that the next schedules lack.
        const string source = """
            using System;
            public static class S
            {
                private static int Twice(int x) => x * 2;
                private static int Apply(Func<int, int> f, int x) => f(x);
                public static int Run() => Apply(Twice, 1) + Apply(Twice, 2) + Apply(static x => x + 1, 3);
            }
            """;
        var (_, value, recording) = Run(source, optimize: true);
        Assert.Equal(10, value);
        Assert.DoesNotContain(recording.AccessList, a => a.What.Contains("<>O", StringComparison.Ordinal) || a.What.Contains("<>c", StringComparison.Ordinal));
    }

    [Fact]
    public void Field_initializers_before_the_base_constructor_call_are_not_hooked_and_still_run()
    {
        const string source = """
            public class Base { public int B = 1; public Base() { B += 1; } }
            public sealed class Derived : Base
            {
                public int D = 10;
                public Derived() : base() { D += B; }
            }
            public static class S { public static int Run() => new Derived().D; }
            """;
        var (_, value, recording) = Run(source);
        Assert.Equal(12, value);
        Assert.Equal(["R Base.B", "W Base.B", "R Derived.D", "R Base.B", "W Derived.D", "R Derived.D"],
            recording.AccessList.Select(a => (a.IsWrite ? "W " : "R ") + a.What));
    }
}
