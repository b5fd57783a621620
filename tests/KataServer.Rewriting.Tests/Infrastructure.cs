using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using KataServer.Scheduling.Interception;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace KataServer.Rewriting.Tests;

/// <summary>Compiles C# snippets with Roslyn against the running framework.</summary>
internal static class Snippets
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(() =>
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. tpa.Where(p => Path.GetDirectoryName(p) == frameworkDir && p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public sealed record Compiled(byte[] Dll, byte[] Pdb, string Path);

    public static Compiled Compile(string source, string assemblyName = "Snippet", bool optimize = false, params byte[][] references) =>
        Compile(source, assemblyName, optimize, embedPdb: false, references);

    public static Compiled Compile(string source, string assemblyName, bool optimize, bool embedPdb, params byte[][] references)
    {
        var path = "/src/" + assemblyName + ".cs";
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path, System.Text.Encoding.UTF8);
        var refs = Framework.Value.AddRange(references.Select(r => (MetadataReference)MetadataReference.CreateFromImage(r)));
        var compilation = CSharpCompilation.Create(assemblyName, [tree], refs,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: optimize ? OptimizationLevel.Release : OptimizationLevel.Debug,
                allowUnsafe: true, nullableContextOptions: NullableContextOptions.Disable));
        var dll = new MemoryStream();
        var pdb = new MemoryStream();
        var result = embedPdb
            ? compilation.Emit(dll, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded))
            : compilation.Emit(dll, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(result.Success, string.Join("\n", errors));
        return new Compiled(dll.ToArray(), pdb.ToArray(), path);
    }

    public static int LineOf(string source, string marker)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(marker, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        throw new ArgumentException("marker not found: " + marker);
    }
}

/// <summary>A collectible load context for running compiled (and rewritten) snippets.</summary>
internal sealed class Sandbox : AssemblyLoadContext, IDisposable
{
    private readonly Dictionary<string, Assembly> _own = new(StringComparer.Ordinal);

    public Sandbox() : base("snippet", isCollectible: true)
    {
    }

    public Assembly Load(byte[] dll, byte[]? pdb)
    {
        var assembly = LoadFromStream(new MemoryStream(dll), pdb is null ? null : new MemoryStream(pdb));
        _own[assembly.GetName().Name!] = assembly;
        return assembly;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (_own.TryGetValue(assemblyName.Name!, out var own))
        {
            return own;
        }

        // Share the replacements and hooks with the test (their static state is what we observe).
        if (assemblyName.Name == typeof(Recorder).Assembly.GetName().Name)
        {
            return typeof(Recorder).Assembly;
        }

        if (assemblyName.Name == typeof(SharedMemoryHooks).Assembly.GetName().Name)
        {
            return typeof(SharedMemoryHooks).Assembly;
        }

        return null;
    }

    public static object? Run(Assembly assembly, string type, string method, params object?[] args)
    {
        var t = assembly.GetType(type, throwOnError: true)!;
        var m = t.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                ?? throw new MissingMethodException(type, method);
        var result = m.Invoke(null, BindingFlags.DoNotWrapExceptions, null, args, null);
        if (result is Task task)
        {
            task.GetAwaiter().GetResult();
            var property = task.GetType().GetProperty("Result");
            return property is not null && task.GetType().IsGenericType ? property.GetValue(task) : null;
        }

        return result;
    }

    public void Dispose() => Unload();
}

/// <summary>A field or array access seen by the hooks.</summary>
public sealed record Access(bool IsWrite, object? Owner, string What);

/// <summary>Per-test recording of replacement calls and hook calls (flows with the async context).</summary>
public sealed class Recording
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<Access> Accesses { get; } = new();

    public IReadOnlyList<string> CallList => [.. Calls];

    public IReadOnlyList<Access> AccessList => [.. Accesses];
}

public static class Recorder
{
    private static readonly AsyncLocal<Recording?> Current = new();

    private static readonly Observer Instance = new();

    public static Recording Start()
    {
        SharedMemoryHooks.Observer = Instance; // the engine's own tests (EndToEndTests) replace it
        var recording = new Recording();
        Current.Value = recording;
        return recording;
    }

    public static void Call(string what) => Current.Value?.Calls.Enqueue(what);

    private sealed class Observer : ISharedMemoryObserver
    {
        public void OnFieldAccess(object? owner, string field, bool isWrite) => Current.Value?.Accesses.Enqueue(new Access(isWrite, owner, field));

        public void OnArrayAccess(Array? array, int index, bool isWrite) => Current.Value?.Accesses.Enqueue(new Access(isWrite, array, "[" + index + "]"));
    }
}

internal static class Maps
{
    public static InterceptionMap Recording { get; } = InterceptionMap.FromTypes(
        typeof(RecordingMonitor), typeof(RecordingLock), typeof(RecordingLockScope), typeof(RecordingInterlocked),
        typeof(RecordingSemaphoreSlim), typeof(RecordingTaskCompletionSource<>), typeof(RecordingVolatile), typeof(RecordingThread));
}
