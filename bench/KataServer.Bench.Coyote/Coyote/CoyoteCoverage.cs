using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KataServer.Bench.Coyote.Coyote;

/// <summary>
/// Which concurrency APIs a mutant and its tests use that Coyote 1.7.11 does not control: under its test engine
/// they run for real (no scheduling point, a blocked wait is a real block), so interleavings through them are not
/// explored. From Coyote's sources (microsoft/coyote, Source/Test/Rewriting): the types it replaces are Task,
/// TaskCompletionSource, ValueTask, Parallel, async builders, Monitor (lock), Interlocked, Volatile, SemaphoreSlim,
/// AutoResetEvent, ManualResetEvent, EventWaitHandle, WaitHandle, SpinWait, Thread and the concurrent and generic
/// collections. Of the types below, its UncontrolledInvocationRewritingPass flags ManualResetEventSlim,
/// ReaderWriterLock(Slim), Semaphore, Mutex, SpinLock, Timer, ThreadPool and SynchronizationContext as uncontrolled;
/// the others are neither replaced nor flagged (a lock inside Lazy or a Channel is the framework's own, not rewritten).
/// </summary>
public static class CoyoteCoverage
{
    private static readonly Dictionary<string, string> Uncontrolled = new(StringComparer.Ordinal)
    {
        ["System.Threading.ManualResetEventSlim"] = "ManualResetEventSlim",
        ["System.Threading.ReaderWriterLockSlim"] = "ReaderWriterLockSlim",
        ["System.Threading.ReaderWriterLock"] = "ReaderWriterLock",
        ["System.Threading.Semaphore"] = "Semaphore",
        ["System.Threading.Mutex"] = "Mutex",
        ["System.Threading.SpinLock"] = "SpinLock",
        ["System.Threading.Timer"] = "Timer",
        ["System.Threading.ThreadPool"] = "ThreadPool",
        ["System.Threading.SynchronizationContext"] = "SynchronizationContext",
        ["System.Threading.CountdownEvent"] = "CountdownEvent",
        ["System.Threading.Barrier"] = "Barrier",
        ["System.Threading.Lock"] = "System.Threading.Lock",
        ["System.Lazy`1"] = "Lazy",
        ["System.Threading.LazyInitializer"] = "LazyInitializer",
        ["System.Threading.Tasks.TaskScheduler"] = "TaskScheduler",
        ["System.Threading.Tasks.ConcurrentExclusiveSchedulerPair"] = "ConcurrentExclusiveSchedulerPair",
        ["System.Collections.Concurrent.BlockingCollection`1"] = "BlockingCollection",
        ["System.Threading.Channels.Channel"] = "Channel",
        ["System.Threading.Channels.Channel`1"] = "Channel",
        ["System.Threading.Channels.ChannelReader`1"] = "Channel",
        ["System.Threading.Channels.ChannelWriter`1"] = "Channel",
    };

    /// <summary>The names of the uncontrolled APIs used in <paramref name="trees"/> (learner and test files), sorted.</summary>
    public static IReadOnlyList<string> UncontrolledApis(Microsoft.CodeAnalysis.Compilation compilation, IEnumerable<SyntaxTree> trees)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is not (IdentifierNameSyntax or GenericNameSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax)) continue;
                var symbol = model.GetSymbolInfo(node).Symbol;
                var type = symbol switch
                {
                    ITypeSymbol t => t,
                    IMethodSymbol { MethodKind: MethodKind.Constructor } ctor => ctor.ContainingType,
                    { ContainingType: { } containing } => containing,
                    _ => null,
                };
                if (type is null) continue;
                // A lock statement on a System.Threading.Lock compiles to Lock.EnterScope: the type is what counts.
                if (Uncontrolled.TryGetValue(MetadataName(type), out var name)) found.Add(name);
            }

            foreach (var lockStatement in tree.GetRoot().DescendantNodes().OfType<LockStatementSyntax>())
                if (model.GetTypeInfo(lockStatement.Expression).Type is { } locked && MetadataName(locked) == "System.Threading.Lock")
                    found.Add("System.Threading.Lock");
        }

        return [.. found];
    }

    private static string MetadataName(ITypeSymbol type) =>
        type.OriginalDefinition is INamedTypeSymbol named && named.ContainingNamespace is { } ns && !ns.IsGlobalNamespace
            ? ns.ToDisplayString() + "." + named.MetadataName
            : type.MetadataName;
}
