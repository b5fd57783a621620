using System.Collections.Immutable;
using System.Text;

namespace KataServer.Compilation.Policy;

/// <summary>
/// The default policy every kata starts from: an ALLOW-LIST of what concurrency katas need (the core
/// <c>System</c> types, System.Threading*, System.Collections*, System.Linq, System.Text, a few types of
/// System.Diagnostics, System.Runtime.CompilerServices, ...), named deny rules carved out of it (and
/// naming well-known dangerous areas outside it, for a precise message), and everything else denied
/// under <see cref="Unlisted"/>. The sandbox is the real wall; this list gives the learner a precise,
/// early message and removes whole classes of attack before anything runs; a deny list can never be
/// complete (Microsoft.VisualBasic's late binding and System.Formats.Tar once slipped through one).
/// Decisions worth knowing:
/// <list type="bullet">
/// <item>System.IO is denied except in-memory types (Stream, MemoryStream, TextReader/Writer,
///   StringReader/Writer, BinaryReader/Writer) and the IO exception types (catching them is harmless);
///   <c>Console.Out</c> is a TextWriter, so <c>Console.Out.WriteLine</c> stays legal.</item>
/// <item>Environment is denied except ProcessorCount, CurrentManagedThreadId, TickCount, TickCount64,
///   NewLine: they leak nothing and concurrent code uses them.</item>
/// <item>System.Type: only the reflection entry points (<c>Get*</c>, InvokeMember, Assembly, Module,
///   TypeHandle, ...) are denied; <c>typeof(T)</c>, <c>GetType()</c>, <c>.Name</c>, <c>.FullName</c> are fine.</item>
/// <item>GC is denied except KeepAlive and SuppressFinalize (the Dispose pattern).</item>
/// <item>Thread: Abort, Interrupt, Suspend/Resume, apartment state and Priority are denied (they take
///   scheduling out of the grader's hands); starting, joining, naming and IsBackground are fine.</item>
/// <item>System.Runtime.InteropServices is denied except [StructLayout] / LayoutKind (cache-line padding
///   is a legitimate concurrency technique) and CollectionsMarshal (bounds-checked spans over List and
///   Dictionary); [FieldOffset] (overlapping references) and MemoryMarshal (unchecked spans) stay denied.</item>
/// <item><c>dynamic</c> is denied: the binder is reflection.</item>
/// <item>System.Runtime.Intrinsics (the portable vector types, not the X86/Arm/Wasm sub-namespaces, whose
///   loads take pointers), System.Numerics, ExceptionDispatchInfo, Stopwatch, Debug.Assert are allowed,
///   except the ref-based <c>LoadUnsafe</c>/<c>StoreUnsafe</c> vector members (unchecked offsets).</item>
/// <item>Stack traces, reading a thread's name and caller-info attributes are denied: they let code tell
///   whether a test is calling it. Setting a thread's name is fine.</item>
/// <item>[StructLayout(LayoutKind.Explicit)] with [FieldOffset] is allowed on a type whose instance fields
///   are all unmanaged (cache-line padding; the checker decides per type), refused when a reference could
///   overlap other data.</item>
/// <item>Using directives are never reported by themselves (importing a namespace does nothing);
///   every use is.</item>
/// </list>
/// </summary>
public static class DefaultPolicyTable
{
    public static readonly PolicyRule FileSystem = new("file-system", "file system access",
        "Submissions run without a file system; keep all state in memory (MemoryStream, StringWriter and Console output are fine).");
    public static readonly PolicyRule Network = new("network", "network access", "Submissions run without a network.");
    public static readonly PolicyRule Processes = new("processes", "starting processes", "Submissions may not start or inspect other processes.");
    public static readonly PolicyRule Environment = new("environment", "environment access",
        "Submissions may not read or change environment variables, the command line, paths or machine details (Environment.ProcessorCount, CurrentManagedThreadId, TickCount and NewLine are fine).");
    public static readonly PolicyRule ProcessExit = new("process-exit", "ending the process",
        "Submissions may not end the test process; return or throw instead.");
    public static readonly PolicyRule Reflection = new("reflection", "reflection",
        "Submissions may not inspect or modify code and objects through reflection; call your own members directly.");
    public static readonly PolicyRule CodeGeneration = new("code-generation", "runtime code generation",
        "Submissions may not generate or compile code at run time (Reflection.Emit, expression trees, IQueryable).");
    public static readonly PolicyRule Dynamic = new("dynamic", "`dynamic`",
        "`dynamic` runs the C# binder through reflection at run time; use static types.");
    public static readonly PolicyRule Interop = new("interop", "native interop",
        "Submissions may not call native code (DllImport, LibraryImport, extern, Marshal, NativeLibrary, function pointers).");
    public static readonly PolicyRule ExplicitLayout = new("explicit-layout", "explicit field layout",
        "[FieldOffset] can lay a reference over other data, which breaks type safety; it is allowed only in a type whose instance fields are all " +
        "unmanaged (numbers, bools, enums, structs of them). To pad against false sharing, use [StructLayout(LayoutKind.Sequential, Size = 128)] or padding fields.");
    public static readonly PolicyRule Unsafe = new("unsafe", "unsafe code",
        "Submissions may not use unsafe code, pointers, fixed, stackalloc into pointers or System.Runtime.CompilerServices.Unsafe.");
    public static readonly PolicyRule ModuleInitializer = new("module-initializer", "module initializer",
        "Code may only run when the tests call it; [ModuleInitializer] runs code when the assembly loads.");
    public static readonly PolicyRule Finalizer = new("finalizer", "finalizer",
        "Finalizers run on the runtime's finalizer thread, outside the grader's control; use IDisposable if you need cleanup.");
    public static readonly PolicyRule ConsoleRedirect = new("console-redirection", "console redirection",
        "Submissions may print with Console.WriteLine but may not redirect or open the standard streams.");
    public static readonly PolicyRule GarbageCollector = new("gc-control", "garbage collector control",
        "Submissions may not drive the garbage collector (GC.KeepAlive and GC.SuppressFinalize are fine).");
    public static readonly PolicyRule ThreadControl = new("thread-control", "thread control",
        "Submissions may not abort, interrupt, suspend or re-prioritize threads, nor resize the thread pool.");
    public static readonly PolicyRule RuntimeConfig = new("runtime-config", "runtime configuration",
        "Submissions may not change runtime switches, load assemblies or control execution (AppContext, AppDomain, AssemblyLoadContext).");
    public static readonly PolicyRule Security = new("security", "security APIs",
        "Submissions may not use security, cryptography or registry APIs.");
    public static readonly PolicyRule Debugger = new("debugger", "debugger", "Submissions may not control the debugger.");
    public static readonly PolicyRule VisualBasic = new("visual-basic-runtime", "the Visual Basic runtime",
        "Microsoft.VisualBasic reaches the file system, the environment and late binding (reflection by name); use the C# equivalents in System, System.Threading, System.Collections and System.Text.");
    public static readonly PolicyRule CallerInspection = new("caller-inspection", "inspecting who calls your code",
        "Your code must behave the same whoever calls it: stack traces, thread names, the current task scheduler or synchronization context and " +
        "caller-info attributes ([CallerMemberName], [CallerFilePath], ...) would tell it whether a test is running. Keep your own state instead " +
        "(setting Thread.Name on threads you start is fine; pass TaskScheduler.Default explicitly where you need a scheduler).");
    public static readonly PolicyRule RuntimeCounters = new("runtime-counters", "the runtime's counters",
        "The thread pool's counters (ThreadCount, PendingWorkItemCount, CompletedWorkItemCount, Get*Threads), a thread's ThreadState and " +
        "Task.CurrentId describe the process and the runtime around your code, not your code, and differ from one run to the next; " +
        "keep your own counts (Interlocked.Increment on a field) and use Thread.IsAlive or Join to follow your threads.");
    public static readonly PolicyRule ProcessState = new("process-state", "process-wide state",
        "Submissions may not change or probe state shared by the whole process (the default and current culture, the string intern pool, " +
        "encoding providers): it outlives a test and would carry what one run saw into the next. Pass a CultureInfo to ToString/Parse instead.");
    public static readonly PolicyRule NamedSync = new("named-sync", "named system-wide synchronization",
        "Named mutexes, semaphores and events are shared with other processes; create unnamed ones (new Mutex(), new SemaphoreSlim(n), new ManualResetEventSlim()).");
    public static readonly PolicyRule Unlisted = new("not-allowed-api", "outside the kata allow-list",
        "Kata code may use the core System types, System.Threading, System.Threading.Tasks, System.Threading.Channels, System.Collections.*, " +
        "System.Linq, System.Text, System.Numerics, System.Buffers, System.Globalization and a few diagnostics and compiler-services types " +
        "(Stopwatch, Debug, awaiters); solve the kata with those, or ask the kata's author to allow what you need (the manifest's policy.allow).");
    public static readonly PolicyRule AllowList = new("allow-list", "allowed", "What kata code may use.");
    public static readonly PolicyRule Spoofing = new("spoofing", "reserved name",
        "Declare your types in the global namespace; namespaces and type names starting with System, Microsoft or KataServer are reserved.");

    /// <summary>Suffix of a property's name when it is read (<c>System.Threading.Thread.Name.get</c>); writes end in <c>.set</c>.</summary>
    public const string PropertyRead = ".get";

    /// <summary>Suffix of a constructor's name when it takes a <c>name</c> argument (a named, system-wide wait handle).</summary>
    public const string NamedArgument = "(name)";

    /// <summary>Allowed with everything below them.</summary>
    public static ImmutableArray<string> AllowedNamespaces { get; } =
    [
        "System.Threading", "System.Collections", "System.Linq", "System.Numerics", "System.Buffers", "System.Globalization",
        "System.Runtime.ExceptionServices", "System.Diagnostics.CodeAnalysis", "System.Text.RegularExpressions", "System.Text.Unicode",
    ];

    /// <summary>Namespaces whose own types are allowed, not their sub-namespaces (<c>System.Formats.Tar</c> is not under <c>System</c>).</summary>
    public static ImmutableArray<string> AllowedOwnTypesOf { get; } = ["System", "System.Text", "System.Runtime.Intrinsics"];

    /// <summary>
    /// Single types (and members) from namespaces that are otherwise not allowed. The System.Runtime.CompilerServices
    /// ones are what `await`, `async`, interpolated strings, records, `init`, tuples, collection expressions, ranges
    /// and [MethodImpl] compile to or name; nothing here reaches memory, code or other objects by name.
    /// </summary>
    public static ImmutableArray<string> AllowedTypes { get; } =
    [
        "System.Diagnostics.Stopwatch", "System.Diagnostics.Debug", "System.Diagnostics.ConditionalAttribute",
        "System.Diagnostics.UnreachableException", "System.Diagnostics.DebuggerDisplayAttribute", "System.Diagnostics.DebuggerStepThroughAttribute",
        "System.Diagnostics.DebuggerHiddenAttribute", "System.Diagnostics.DebuggerBrowsableAttribute", "System.Diagnostics.DebuggerBrowsableState",
        "System.Diagnostics.DebuggerNonUserCodeAttribute", "System.Diagnostics.DebuggerTypeProxyAttribute",
        "System.Runtime.CompilerServices.TaskAwaiter", "System.Runtime.CompilerServices.ValueTaskAwaiter",
        "System.Runtime.CompilerServices.ConfiguredTaskAwaitable", "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable",
        "System.Runtime.CompilerServices.ConfiguredCancelableAsyncEnumerable", "System.Runtime.CompilerServices.ConfiguredAsyncDisposable",
        "System.Runtime.CompilerServices.YieldAwaitable", "System.Runtime.CompilerServices.INotifyCompletion",
        "System.Runtime.CompilerServices.ICriticalNotifyCompletion", "System.Runtime.CompilerServices.IAsyncStateMachine",
        "System.Runtime.CompilerServices.Async*", "System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder",
        "System.Runtime.CompilerServices.EnumeratorCancellationAttribute", "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler",
        "System.Runtime.CompilerServices.InterpolatedStringHandlerAttribute", "System.Runtime.CompilerServices.InterpolatedStringHandlerArgumentAttribute",
        "System.Runtime.CompilerServices.FormattableStringFactory", "System.Runtime.CompilerServices.IsExternalInit",
        "System.Runtime.CompilerServices.RequiredMemberAttribute", "System.Runtime.CompilerServices.CompilerFeatureRequiredAttribute",
        "System.Runtime.CompilerServices.CollectionBuilderAttribute", "System.Runtime.CompilerServices.InlineArrayAttribute",
        "System.Runtime.CompilerServices.ITuple", "System.Runtime.CompilerServices.TupleElementNamesAttribute",
        "System.Runtime.CompilerServices.SwitchExpressionException", "System.Runtime.CompilerServices.MethodImplAttribute",
        "System.Runtime.CompilerServices.MethodImplOptions", "System.Runtime.CompilerServices.MethodCodeType",
        "System.Runtime.CompilerServices.StrongBox", "System.Runtime.CompilerServices.IStrongBox",
        "System.Runtime.CompilerServices.ConditionalWeakTable", "System.Runtime.CompilerServices.ExtensionAttribute",
        "System.Runtime.CompilerServices.ParamCollectionAttribute", "System.Runtime.CompilerServices.OverloadResolutionPriorityAttribute",
        "System.Runtime.CompilerServices.RuntimeHelpers.GetSubArray",
    ];

    public static ImmutableArray<PolicyEntry> Entries { get; } = Build();

    private static ImmutableArray<PolicyEntry> Build()
    {
        var list = new List<PolicyEntry>();
        void Deny(PolicyRule rule, params string[] prefixes) => list.AddRange(prefixes.Select(p => new PolicyEntry(p, PolicyEffect.Deny, rule)));
        void Allow(PolicyRule rule, params string[] prefixes) => list.AddRange(prefixes.Select(p => new PolicyEntry(p, PolicyEffect.Allow, rule)));
        void AllowOwnTypes(params string[] namespaces)
            => list.AddRange(namespaces.Select(n => new PolicyEntry(n, PolicyEffect.Allow, AllowList) { OwnTypesOnly = true }));

        // ---- the allow-list: namespaces with everything below them, namespaces' own types, single types.
        Allow(AllowList, [.. AllowedNamespaces]);
        AllowOwnTypes([.. AllowedOwnTypesOf]);
        Allow(AllowList, [.. AllowedTypes]);

        Deny(FileSystem, "System.IO", "System.Xml", "System.Data", "System.Resources", "System.Runtime.ProfileOptimization",
            "System.Diagnostics.FileVersionInfo", "System.Diagnostics.TextWriterTraceListener", "System.Diagnostics.DelimitedListTraceListener",
            "System.Diagnostics.XmlWriterTraceListener", "System.Diagnostics.EventLog*", "System.Formats", "System.TimeZoneInfo.FindSystemTimeZoneById",
            "System.TimeZoneInfo.TryFindSystemTimeZoneById", "System.TimeZoneInfo.GetSystemTimeZones", "System.TimeZoneInfo.FromSerializedString");
        Allow(FileSystem, "System.IO.Stream", "System.IO.MemoryStream", "System.IO.TextReader", "System.IO.TextWriter",
            "System.IO.StringReader", "System.IO.StringWriter", "System.IO.BinaryReader", "System.IO.BinaryWriter", "System.IO.SeekOrigin",
            "System.IO.IOException", "System.IO.EndOfStreamException", "System.IO.InvalidDataException", "System.IO.FileNotFoundException",
            "System.IO.DirectoryNotFoundException", "System.IO.PathTooLongException");

        Deny(Network, "System.Net");

        Deny(Processes, "System.Diagnostics.Process*");

        Deny(Environment, "System.Environment");
        Allow(Environment, "System.Environment.ProcessorCount", "System.Environment.CurrentManagedThreadId",
            "System.Environment.TickCount", "System.Environment.TickCount64", "System.Environment.NewLine");
        // DefaultTraceListener.Fail and a custom DebugProvider end the process through FailFast; they are not
        // [Conditional] like Debug/Trace calls (which compile away: no DEBUG or TRACE symbol is defined).
        Deny(ProcessExit, "System.Environment.Exit", "System.Environment.FailFast", "System.Environment.ExitCode",
            "System.Diagnostics.DefaultTraceListener", "System.Diagnostics.DebugProvider", "System.Diagnostics.Debug.SetProvider");

        Deny(Reflection, "System.Reflection", "System.Activator", "System.Type.Get*", "System.Type.InvokeMember", "System.Type.FindMembers",
            "System.Type.FindInterfaces", "System.Type.TypeInitializer", "System.Type.TypeHandle", "System.Type.Assembly", "System.Type.Module",
            "System.Type.DeclaringMethod", "System.Type.MakeGenericType", "System.Type.MakeGenericMethodParameter", "System.Type.DefaultBinder",
            "System.Type.ReflectionOnlyGetType",
            "System.Delegate.Method", "System.Delegate.CreateDelegate", "System.Delegate.DynamicInvoke", "System.Exception.TargetSite",
            "System.RuntimeMethodHandle", "System.RuntimeFieldHandle", "System.RuntimeTypeHandle", "System.ModuleHandle",
            "System.TypedReference", "System.ArgIterator", "System.Runtime.Serialization",
            "System.Runtime.CompilerServices.RuntimeHelpers", "System.Runtime.CompilerServices.UnsafeAccessor*",
            "System.ComponentModel.TypeDescriptor*", "System.ComponentModel.PropertyDescriptor*", "System.ComponentModel.EventDescriptor*",
            "System.ComponentModel.MemberDescriptor", "System.Attribute.GetCustomAttribute*", "System.Attribute.IsDefined");
        Allow(Reflection, "System.Type.GetHashCode", "System.Reflection.MemberInfo.Name",
            "System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode", "System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences",
            "System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack",
            "System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack");

        Deny(CodeGeneration, "System.Reflection.Emit", "System.Linq.Expressions", "System.Linq.Queryable", "System.Linq.IQueryable*",
            "System.Linq.IOrderedQueryable*", "System.Linq.EnumerableQuery*", "System.Linq.EnumerableExecutor*", "System.Linq.IQueryProvider",
            "System.Runtime.CompilerServices.CallSite*");

        Deny(Dynamic, SyntaxNames.Dynamic, "System.Dynamic", "Microsoft.CSharp");

        Deny(Interop, "System.Runtime.InteropServices", SyntaxNames.Extern, SyntaxNames.FunctionPointer);
        Allow(Interop, "System.Runtime.InteropServices.StructLayoutAttribute", "System.Runtime.InteropServices.LayoutKind",
            "System.Runtime.InteropServices.CollectionsMarshal");
        Deny(ExplicitLayout, "System.Runtime.InteropServices.FieldOffsetAttribute", "System.Runtime.InteropServices.LayoutKind.Explicit");

        Deny(Unsafe, SyntaxNames.Unsafe, "System.Runtime.CompilerServices.Unsafe", "System.Runtime.CompilerServices.SkipLocalsInitAttribute",
            "System.Buffer.MemoryCopy",
            // ref-based vector loads/stores take an unchecked offset: out-of-bounds memory access without `unsafe`.
            "System.Runtime.Intrinsics.Vector64.LoadUnsafe", "System.Runtime.Intrinsics.Vector64.StoreUnsafe",
            "System.Runtime.Intrinsics.Vector128.LoadUnsafe", "System.Runtime.Intrinsics.Vector128.StoreUnsafe",
            "System.Runtime.Intrinsics.Vector256.LoadUnsafe", "System.Runtime.Intrinsics.Vector256.StoreUnsafe",
            "System.Runtime.Intrinsics.Vector512.LoadUnsafe", "System.Runtime.Intrinsics.Vector512.StoreUnsafe",
            "System.Numerics.Vector.LoadUnsafe", "System.Numerics.Vector.StoreUnsafe");

        Deny(ModuleInitializer, "System.Runtime.CompilerServices.ModuleInitializerAttribute");

        Deny(Finalizer, SyntaxNames.Finalizer, "System.GC.ReRegisterForFinalize");

        Deny(ConsoleRedirect, "System.Console.SetOut", "System.Console.SetError", "System.Console.SetIn", "System.Console.OpenStandard*",
            "System.Console.CancelKeyPress", "System.Console.TreatControlCAsInput");

        Deny(GarbageCollector, "System.GC", "System.Runtime.GCSettings", "System.Runtime.DependentHandle");
        Allow(GarbageCollector, "System.GC.KeepAlive", "System.GC.SuppressFinalize");

        Deny(ThreadControl, "System.Threading.Thread.Abort", "System.Threading.Thread.ResetAbort", "System.Threading.Thread.Interrupt",
            "System.Threading.Thread.Suspend", "System.Threading.Thread.Resume", "System.Threading.Thread.SetApartmentState",
            "System.Threading.Thread.TrySetApartmentState", "System.Threading.Thread.Priority", "System.Threading.Thread.BeginCriticalRegion",
            "System.Threading.Thread.EndCriticalRegion", "System.Threading.Thread.BeginThreadAffinity", "System.Threading.Thread.EndThreadAffinity",
            "System.Threading.Thread.CurrentPrincipal", "System.Threading.ThreadPool.SetMinThreads", "System.Threading.ThreadPool.SetMaxThreads",
            "System.Threading.ThreadPool.BindHandle", "System.Threading.ThreadPool.UnsafeQueueNativeOverlapped", "System.Threading.Overlapped",
            "System.Threading.PreAllocatedOverlapped", "System.Threading.ThreadPoolBoundHandle", "System.Threading.NativeOverlapped",
            "System.Threading.IOCompletionCallback", "System.Runtime.ControlledExecution");

        Deny(RuntimeConfig, "System.AppContext", "System.AppDomain", "System.Runtime.Loader", "System.Runtime.AssemblyTargetedPatchBandAttribute");

        Deny(Security, "System.Security", "Microsoft.Win32");

        Deny(Debugger, "System.Diagnostics.Debugger");

        Deny(VisualBasic, "Microsoft.VisualBasic");

        Deny(CallerInspection, "System.Diagnostics.StackTrace", "System.Diagnostics.StackFrame", "System.Diagnostics.StackFrameExtensions",
            "System.Environment.StackTrace", "System.Exception.StackTrace", "System.Threading.Thread.Name" + PropertyRead,
            "System.Runtime.CompilerServices.Caller*", "System.Threading.SynchronizationContext.Current", "System.Threading.Tasks.TaskScheduler.Current",
            "System.Threading.Thread.IsThreadPoolThread");

        // What would tell the grader's explorer from real threads (its counters are the real pool's, its threads are
        // operations on pooled workers) or carry knowledge across its schedules, which start from fresh static fields.
        Deny(RuntimeCounters, "System.Threading.ThreadPool.ThreadCount", "System.Threading.ThreadPool.PendingWorkItemCount",
            "System.Threading.ThreadPool.CompletedWorkItemCount", "System.Threading.ThreadPool.GetAvailableThreads",
            "System.Threading.ThreadPool.GetMaxThreads", "System.Threading.ThreadPool.GetMinThreads", "System.Threading.Thread.ThreadState",
            "System.Threading.Tasks.Task.CurrentId");
        Deny(ProcessState, "System.Globalization.CultureInfo.DefaultThreadCurrentCulture.set", "System.Globalization.CultureInfo.DefaultThreadCurrentUICulture.set",
            "System.Globalization.CultureInfo.CurrentCulture.set", "System.Globalization.CultureInfo.CurrentUICulture.set",
            "System.Threading.Thread.CurrentCulture.set", "System.Threading.Thread.CurrentUICulture.set",
            "System.String.Intern", "System.String.IsInterned", "System.Text.Encoding.RegisterProvider");

        Deny(NamedSync, "System.Threading.Mutex..ctor" + NamedArgument, "System.Threading.Semaphore..ctor" + NamedArgument,
            "System.Threading.EventWaitHandle..ctor" + NamedArgument, "System.Threading.Mutex.OpenExisting", "System.Threading.Mutex.TryOpenExisting",
            "System.Threading.Semaphore.OpenExisting", "System.Threading.Semaphore.TryOpenExisting",
            "System.Threading.EventWaitHandle.OpenExisting", "System.Threading.EventWaitHandle.TryOpenExisting",
            "System.Threading.MutexAcl", "System.Threading.SemaphoreAcl", "System.Threading.EventWaitHandleAcl", "System.Threading.ThreadingAclExtensions");

        Deny(Spoofing, SyntaxNames.ReservedNamespace, SyntaxNames.ReservedTypeName);

        return [.. list];
    }

    /// <summary>The policy as markdown for the README: the allow-list, then the deny rules carved out of it.</summary>
    public static string ToMarkdown()
    {
        static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"`{n}`"));
        var sb = new StringBuilder();
        sb.AppendLine("| allowed | names |");
        sb.AppendLine("| --- | --- |");
        sb.AppendLine($"| namespaces, with everything below them | {Names(AllowedNamespaces)} |");
        sb.AppendLine($"| a namespace's own types (not its sub-namespaces) | {Names(AllowedOwnTypesOf)} |");
        foreach (var group in AllowedTypes.GroupBy(t => t[..t.TrimEnd('*').LastIndexOf('.')]))
            sb.AppendLine($"| from `{group.Key}` | {Names(group.Select(t => t[(group.Key.Length + 1)..]))} |");
        sb.AppendLine();
        sb.AppendLine("| rule | denied | allowed exceptions | reason |");
        sb.AppendLine("| --- | --- | --- | --- |");
        foreach (var group in Entries.Where(e => e.Rule != AllowList).GroupBy(e => e.Rule))
        {
            string denied = Names(group.Where(e => e.Effect == PolicyEffect.Deny).Select(e => e.Prefix));
            string allowed = Names(group.Where(e => e.Effect == PolicyEffect.Allow).Select(e => e.Prefix));
            sb.AppendLine($"| {group.Key.Id} ({group.Key.Name}) | {denied} | {(allowed.Length == 0 ? "-" : allowed)} | {group.Key.Reason} |");
        }
        sb.AppendLine($"| {Unlisted.Id} ({Unlisted.Name}) | everything the allow-list does not cover | - | {Unlisted.Reason} |");
        return sb.ToString();
    }
}
