namespace KataServer.Rewriting;

/// <summary>What to do when the input already carries the rewriter's marker.</summary>
public enum AlreadyRewrittenBehavior
{
    /// <summary>Throw <see cref="AlreadyRewrittenException"/>.</summary>
    Throw,

    /// <summary>Return the input unchanged, with <see cref="RewriteReport.AlreadyRewritten"/> set.</summary>
    ReturnUnchanged,
}

/// <summary>Options for one rewrite. Use <see cref="Learner"/> for submissions and <see cref="KataTests"/> for kata test assemblies.</summary>
public sealed record RewriteOptions
{
    /// <summary>Submissions: calls replaced, and reads/writes of fields and array elements become scheduling points.</summary>
    public static RewriteOptions Learner { get; } = new() { InstrumentSharedMemory = true, SilentTeardown = true };

    /// <summary>Kata tests: calls replaced, no field hooks.</summary>
    public static RewriteOptions KataTests { get; } = new() { InstrumentSharedMemory = false };

    /// <summary>Insert <c>SharedMemoryHooks</c> calls before field and array element accesses.</summary>
    public bool InstrumentSharedMemory { get; init; }

    /// <summary>
    /// Every catch, filter, finally and fault handler first asks <c>SharedMemoryHooks.InTeardown</c> and does nothing while
    /// the explorer unwinds a finished schedule's threads (a catch rethrows, a filter declines, a finally ends), so code
    /// cannot see the explorer's unwinding, which real threads never do. The async state machine's own catch (the one that
    /// hands the exception to the method's task) is left alone: rethrowing there would escape into the runtime.
    /// </summary>
    public bool SilentTeardown { get; init; }

    /// <summary>Also hook reads of instance <c>readonly</c> fields (they cannot race after construction; off by default).</summary>
    public bool InstrumentReadonlyFieldReads { get; init; }

    /// <summary>
    /// Also hook reads of fields that nothing changes once they can be shared (written only by their constructor or static
    /// constructor, or while their closure is being filled; non-public or closure fields). Off by default: such reads
    /// cannot race, and every hook is a scheduling point that multiplies the schedules to explore.
    /// </summary>
    public bool InstrumentImmutableFieldReads { get; init; }

    /// <summary>
    /// Give every non-generic type with static fields a method that puts them back as a fresh process has them (zeroed, then
    /// the static constructor's work run again; see <c>StaticFields</c> in KataServer.Scheduling), so that each explored
    /// schedule starts from the same state. On by default.
    /// </summary>
    public bool ResettableStatics { get; init; } = true;

    /// <summary>Images of assemblies the input references, e.g. the learner's "Submission" assembly for kata tests.</summary>
    public IReadOnlyList<byte[]> ReferencedAssemblies { get; init; } = [];

    /// <summary>Directories searched for referenced assemblies, after <see cref="ReferencedAssemblies"/> and before the framework.</summary>
    public IReadOnlyList<string> SearchDirectories { get; init; } = [];

    public AlreadyRewrittenBehavior WhenAlreadyRewritten { get; init; } = AlreadyRewrittenBehavior.Throw;

    /// <summary>
    /// Decides whether an API the map does not replace is reported as uncontrolled. Receives <c>Namespace.Type::Method</c>
    /// (nested types joined by <c>/</c>). Defaults to <see cref="IsConcurrencyApi"/>.
    /// </summary>
    public Func<string, bool> IsUncontrolledConcurrencyApi { get; init; } = IsConcurrencyApi;

    private static readonly HashSet<string> Benign = new(StringComparer.Ordinal)
    {
        "System.Threading.Tasks.Task::get_CompletedTask",
        "System.Threading.Tasks.Task::FromResult",
        "System.Threading.Tasks.Task::FromException",
        "System.Threading.Tasks.Task::FromCanceled",
        "System.Threading.Tasks.Task::get_IsCompleted",
        "System.Threading.Tasks.Task::get_IsCompletedSuccessfully",
        "System.Threading.Tasks.Task::get_IsFaulted",
        "System.Threading.Tasks.Task::get_IsCanceled",
        "System.Threading.Tasks.Task::get_Status",
        "System.Threading.Tasks.Task::get_Exception",
        "System.Threading.Tasks.ValueTask::.ctor",
        "System.Threading.Tasks.ValueTask`1::.ctor",
        "System.Threading.Tasks.ValueTask::get_CompletedTask",
        "System.Threading.Tasks.ValueTask::FromResult",
        "System.Threading.CancellationToken::get_None",
        "System.Threading.CancellationToken::get_CanBeCanceled",
        "System.Threading.Thread::get_CurrentThread",
        "System.Threading.Thread::get_ManagedThreadId",
        "System.Threading.Thread::get_Name",
        "System.Threading.Thread::set_Name",
        "System.Threading.Thread::get_IsBackground",
        "System.Threading.Thread::set_IsBackground",
        "System.Threading.Tasks.TaskCanceledException::.ctor",
        "System.Threading.SynchronizationLockException::.ctor",
        "System.Threading.LockRecursionException::.ctor",
        "System.Threading.ThreadInterruptedException::.ctor",
        "System.Threading.OperationCanceledException::.ctor",
    };

    private static readonly string[] AsyncPlumbing =
    [
        "System.Runtime.CompilerServices.AsyncTaskMethodBuilder",
        "System.Runtime.CompilerServices.AsyncValueTaskMethodBuilder",
        "System.Runtime.CompilerServices.AsyncVoidMethodBuilder",
        "System.Runtime.CompilerServices.AsyncIteratorMethodBuilder",
        "System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder",
        "System.Runtime.CompilerServices.TaskAwaiter",
        "System.Runtime.CompilerServices.ValueTaskAwaiter",
        "System.Runtime.CompilerServices.ConfiguredTaskAwaitable",
        "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable",
        "System.Runtime.CompilerServices.YieldAwaitable",
        "System.Runtime.CompilerServices.ConfiguredCancelableAsyncEnumerable",
    ];

    /// <summary>
    /// Calls the C# compiler emits for <c>async</c>/<c>await</c> and async iterators (method builders, awaiters,
    /// <c>GetAwaiter</c>, <c>ManualResetValueTaskSourceCore</c>) rather than calls the learner wrote. When not replaced
    /// they are reported apart, in <see cref="RewriteReport.UncontrolledAsyncPlumbing"/>.
    /// </summary>
    public static bool IsAsyncPlumbing(string api) =>
        api.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal) ||
        api.StartsWith("System.Threading.Tasks.Sources.ManualResetValueTaskSourceCore`1::", StringComparison.Ordinal) ||
        (api.StartsWith("System.Threading.Tasks.", StringComparison.Ordinal) && api.EndsWith("::GetAwaiter", StringComparison.Ordinal));

    /// <summary>
    /// The default notion of a concurrency API: members of types in <c>System.Threading</c>, <c>System.Threading.*</c>
    /// (Tasks, Channels, ...) and the async plumbing in <c>System.Runtime.CompilerServices</c> (method builders, awaiters),
    /// except a few that never block or schedule (<c>Task.CompletedTask</c>, <c>Thread.ManagedThreadId</c>, exception constructors, ...).
    /// </summary>
    public static bool IsConcurrencyApi(string api)
    {
        if (Benign.Contains(api))
        {
            return false;
        }

        if (api.StartsWith("System.Threading.", StringComparison.Ordinal))
        {
            // System.Threading.Foo::M or System.Threading.Tasks.Foo::M etc.
            return true;
        }

        foreach (var prefix in AsyncPlumbing)
        {
            if (api.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The input was already rewritten; rewriting twice would route replacements through themselves.</summary>
public sealed class AlreadyRewrittenException(string assemblyName)
    : InvalidOperationException($"Assembly '{assemblyName}' has already been rewritten by KataServer.Rewriting; rewrite the original compiler output instead.")
{
    public string AssemblyName { get; } = assemblyName;
}
