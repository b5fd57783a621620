using System.Diagnostics;
using KataServer.Scheduling.Interception;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace KataServer.Rewriting;

/// <summary>
/// Rewrites a compiled assembly so that its concurrency calls go to the replacements of an <see cref="InterceptionMap"/>
/// and, for learner code, so that field and array element accesses call <see cref="SharedMemoryHooks"/> first.
/// Rewrites are serialized process-wide (they take milliseconds; Cecil is not thread-safe and the framework
/// assemblies read for resolution are cached between rewrites).
/// </summary>
public static class AssemblyRewriter
{
    /// <summary>Key of the <c>[assembly: AssemblyMetadata]</c> marker the rewriter adds.</summary>
    public const string MarkerKey = "KataServer.Rewritten";

    internal static readonly object Gate = new();

    /// <summary>Rewrites <paramref name="dll"/> (and its portable <paramref name="pdb"/>, or an embedded one when null).</summary>
    /// <exception cref="AlreadyRewrittenException">the input carries the marker and <see cref="RewriteOptions.WhenAlreadyRewritten"/> is Throw</exception>
    /// <exception cref="BadImageFormatException">the input is not a managed assembly</exception>
    public static RewriteResult Rewrite(byte[] dll, byte[]? pdb, RewriteOptions options, InterceptionMap map)
    {
        ArgumentNullException.ThrowIfNull(dll);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(map);
        lock (Gate)
        {
            return RewriteLocked(dll, pdb, options, map);
        }
    }

    /// <summary>True when the image carries the rewriter's marker.</summary>
    public static bool IsRewritten(byte[] dll)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(new MemoryStream(dll, writable: false));
        return FindMarker(assembly) is not null;
    }

    private static RewriteResult RewriteLocked(byte[] dll, byte[]? pdb, RewriteOptions options, InterceptionMap map)
    {
        var clock = Stopwatch.StartNew();
        foreach (var dir in map.AssemblyDirectories)
        {
            ReplacementModules.Framework.AddDirectory(dir);
        }

        using var resolver = new NameResolver(ReplacementModules.Framework);
        foreach (var dir in options.SearchDirectories)
        {
            resolver.AddDirectory(dir);
        }

        foreach (var image in options.ReferencedAssemblies)
        {
            resolver.AddInMemory(image);
        }

        var embeddedPdb = pdb is null && HasEmbeddedPdb(dll);
        var parameters = new ReaderParameters { AssemblyResolver = resolver, ReadingMode = ReadingMode.Immediate };
        if (pdb is not null)
        {
            parameters.ReadSymbols = true;
            parameters.SymbolStream = new MemoryStream(pdb, writable: false);
            parameters.SymbolReaderProvider = new PortablePdbReaderProvider();
        }
        else if (embeddedPdb)
        {
            parameters.ReadSymbols = true;
            parameters.SymbolReaderProvider = new EmbeddedPortablePdbReaderProvider();
        }

        using var assembly = AssemblyDefinition.ReadAssembly(new MemoryStream(dll, writable: false), parameters);
        var module = assembly.MainModule;
        var report = new RewriteReport(assembly.Name.Name);

        if (FindMarker(assembly) is not null)
        {
            if (options.WhenAlreadyRewritten == AlreadyRewrittenBehavior.Throw)
            {
                throw new AlreadyRewrittenException(assembly.Name.Name);
            }

            report.AlreadyRewritten = true;
            report.Elapsed = clock.Elapsed;
            return new RewriteResult(dll, pdb, report);
        }

        var context = new RewriteContext(module, map, options, report);
        foreach (var method in module.GetTypes().Where(t => !map.IsReplacementType(t)).SelectMany(t => t.Methods))
        {
            if (SynchronizedMethods.Lower(method, context))
            {
                report.CountReplaced(SynchronizedMethods.Api);
            }
        }

        if (options.InstrumentSharedMemory && !options.InstrumentImmutableFieldReads)
        {
            foreach (var type in module.GetTypes().Where(t => !map.IsReplacementType(t)))
            {
                foreach (var method in type.Methods.Where(m => m.HasBody))
                {
                    new MethodRewriter(context, method).CollectMutatedFields(context.MutatedFields);
                }
            }
        }

        foreach (var type in module.GetTypes())
        {
            if (map.IsReplacementType(type))
            {
                continue;
            }

            foreach (var method in type.Methods)
            {
                if (!method.HasBody)
                {
                    continue;
                }

                report.MethodsVisited++;
                if (new MethodRewriter(context, method).Run())
                {
                    report.MethodsRewritten++;
                }
            }
        }

        if (options.ResettableStatics)
        {
            report.StaticResets = StaticStateReset.AddTo(module, map,
                context.SchedulingMethod(typeof(StaticFields), nameof(StaticFields.RegisterInstantiation), 1));
        }

        AddMarker(module);
        AddSchedulingReference(module);

        // ReadyToRun inputs (precompiled libraries) carry native code that no longer matches the rewritten IL: drop it.
        if ((module.Attributes & ModuleAttributes.ILLibrary) != 0 || (module.Attributes & ModuleAttributes.ILOnly) == 0)
        {
            module.Attributes = (module.Attributes | ModuleAttributes.ILOnly) & ~(ModuleAttributes.ILLibrary | ModuleAttributes.Required32Bit);
            module.Architecture = TargetArchitecture.I386; // AnyCPU, like the compiler's output
            report.Warn("ReadyToRun native code dropped; the rewritten assembly is IL-only");
        }

        var dllOut = new MemoryStream();
        MemoryStream? pdbOut = null;
        var writer = new WriterParameters();
        if (pdb is not null)
        {
            pdbOut = new MemoryStream();
            writer.WriteSymbols = true;
            writer.SymbolStream = pdbOut;
            writer.SymbolWriterProvider = new PortablePdbWriterProvider();
        }
        else if (embeddedPdb)
        {
            writer.WriteSymbols = true;
            writer.SymbolWriterProvider = new InMemoryEmbeddedPdbWriterProvider();
        }

        assembly.Write(dllOut, writer);
        report.Elapsed = clock.Elapsed;
        return new RewriteResult(dllOut.ToArray(), pdbOut?.ToArray(), report);
    }

    private static bool HasEmbeddedPdb(byte[] dll)
    {
        using var peReader = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(dll, writable: false));
        return peReader.ReadDebugDirectory().Any(e => e.Type == System.Reflection.PortableExecutable.DebugDirectoryEntryType.EmbeddedPortablePdb);
    }

    private static CustomAttribute? FindMarker(AssemblyDefinition assembly) =>
        assembly.CustomAttributes.FirstOrDefault(a =>
            a.AttributeType.Name == "AssemblyMetadataAttribute" && a.ConstructorArguments.Count == 2 &&
            a.ConstructorArguments[0].Value as string == MarkerKey);

    /// <summary>The rewritten code runs against KataServer.Scheduling: reference it even when nothing from it was imported.</summary>
    private static void AddSchedulingReference(ModuleDefinition module)
    {
        var name = typeof(SharedMemoryHooks).Assembly.GetName();
        if (module.AssemblyReferences.Any(r => r.Name == name.Name))
        {
            return;
        }

        module.AssemblyReferences.Add(new AssemblyNameReference(name.Name, name.Version)
        {
            PublicKeyToken = name.GetPublicKeyToken() ?? [],
            Culture = string.IsNullOrEmpty(name.CultureName) ? null : name.CultureName,
        });
    }

    private static void AddMarker(ModuleDefinition module)
    {
        var type = new TypeReference("System.Reflection", "AssemblyMetadataAttribute", module, module.TypeSystem.CoreLibrary);
        var ctor = new MethodReference(".ctor", module.TypeSystem.Void, type) { HasThis = true };
        ctor.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
        ctor.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
        var attribute = new CustomAttribute(ctor);
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, MarkerKey));
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String,
            typeof(AssemblyRewriter).Assembly.GetName().Version?.ToString() ?? "1"));
        module.Assembly.CustomAttributes.Add(attribute);
    }
}

/// <summary>Per-rewrite state shared by the method rewriters.</summary>
internal sealed class RewriteContext
{
    private readonly Dictionary<MethodDefinition, MethodReference> _imported = [];
    private MethodReference?[]? _hooks;

    public RewriteContext(ModuleDefinition module, InterceptionMap map, RewriteOptions options, RewriteReport report)
    {
        Module = module;
        Map = map;
        Options = options;
        Report = report;
    }

    public ModuleDefinition Module { get; }

    /// <summary>Fields of the module changed after they may be shared; see <see cref="MethodRewriter.CollectMutatedFields"/>.</summary>
    public HashSet<FieldDefinition> MutatedFields { get; } = [];

    public InterceptionMap Map { get; }

    public RewriteOptions Options { get; }

    public RewriteReport Report { get; }

    private readonly Dictionary<string, bool> _delegates = new(StringComparer.Ordinal);

    /// <summary>Delegate types (ThreadStart, TimerCallback, ...) live in System.Threading but are not concurrency APIs.</summary>
    public bool IsDelegateType(TypeReference type)
    {
        var key = Signatures.TypeKey(type);
        if (!_delegates.TryGetValue(key, out var isDelegate))
        {
            try
            {
                isDelegate = type.Resolve()?.BaseType?.FullName == "System.MulticastDelegate";
            }
            catch (AssemblyResolutionException)
            {
                isDelegate = false;
            }

            _delegates.Add(key, isDelegate);
        }

        return isDelegate;
    }

    private TypeReference? _arrayType;

    /// <summary><c>System.Array</c>, scoped like the module's other core-library references.</summary>
    public TypeReference ArrayType => _arrayType ??= new TypeReference("System", "Array", Module, Module.TypeSystem.CoreLibrary);

    public MethodReference FieldReadHook => Hook(0);

    public MethodReference FieldWriteHook => Hook(1);

    public MethodReference ArrayReadHook => Hook(2);

    public MethodReference ArrayWriteHook => Hook(3);

    public MethodReference LoopBackEdgeHook => Hook(4);

    public MethodReference SourceLineHook => Hook(5);

    public MethodReference TeardownHook => Hook(6);

    private MethodReference Hook(int index)
    {
        _hooks ??=
        [
            SchedulingMethod(typeof(SharedMemoryHooks), nameof(SharedMemoryHooks.BeforeFieldRead), 2),
            SchedulingMethod(typeof(SharedMemoryHooks), nameof(SharedMemoryHooks.BeforeFieldWrite), 2),
            SchedulingMethod(typeof(SharedMemoryHooks), nameof(SharedMemoryHooks.BeforeArrayRead), 3),
            SchedulingMethod(typeof(SharedMemoryHooks), nameof(SharedMemoryHooks.BeforeArrayWrite), 3),
            SchedulingMethod(typeof(SharedMemoryHooks), nameof(SharedMemoryHooks.AtLoopBackEdge), 1),
            SchedulingMethod(typeof(SharedMemoryHooks), nameof(SharedMemoryHooks.AtSourceLine), 3),
            SchedulingMethod(typeof(SharedMemoryHooks), nameof(SharedMemoryHooks.InTeardown), 0),
        ];
        return _hooks[index]!;
    }

    /// <summary>A reference, in the rewritten module, to the static method <paramref name="name"/> of a KataServer.Scheduling type.</summary>
    public MethodReference SchedulingMethod(Type type, string name, int parameterCount)
    {
        var module = ReplacementModules.Get(type.Assembly);
        var definition = (TypeDefinition)module.LookupToken(type.MetadataToken);
        return Module.ImportReference(definition.Methods.Single(m => m.Name == name && m.IsStatic && m.Parameters.Count == parameterCount));
    }

    /// <summary>A reference, in the rewritten module, to <paramref name="replacement"/> instantiated like <paramref name="site"/>.</summary>
    public MethodReference? ImportReplacement(MethodDefinition replacement, MethodReference site, int typeArity)
    {
        if (!_imported.TryGetValue(replacement, out var open))
        {
            open = Module.ImportReference(replacement);
            _imported.Add(replacement, open);
        }

        var result = open;
        if (typeArity > 0)
        {
            if (site.DeclaringType is not GenericInstanceType siteType || siteType.GenericArguments.Count != typeArity)
            {
                return null;
            }

            var declaring = new GenericInstanceType(open.DeclaringType);
            foreach (var argument in siteType.GenericArguments)
            {
                declaring.GenericArguments.Add(argument);
            }

            result = new MethodReference(open.Name, open.ReturnType, declaring)
            {
                HasThis = false,
                ExplicitThis = false,
                CallingConvention = open.CallingConvention,
            };
            foreach (var parameter in open.Parameters)
            {
                result.Parameters.Add(new ParameterDefinition(parameter.ParameterType));
            }

            foreach (var parameter in open.GenericParameters)
            {
                result.GenericParameters.Add(new GenericParameter(parameter.Name, result));
            }
        }

        if (site is GenericInstanceMethod genericSite)
        {
            var instance = new GenericInstanceMethod(result);
            foreach (var argument in genericSite.GenericArguments)
            {
                instance.GenericArguments.Add(argument);
            }

            result = instance;
        }

        return result;
    }
}

/// <summary>Cecil's embedded-PDB writer insists on a file name, which a module written to a stream lacks; it only checks it.</summary>
internal sealed class InMemoryEmbeddedPdbWriterProvider : ISymbolWriterProvider
{
    public ISymbolWriter GetSymbolWriter(ModuleDefinition module, string fileName) =>
        new EmbeddedPortablePdbWriterProvider().GetSymbolWriter(module, string.IsNullOrEmpty(fileName) ? module.Name ?? "module.dll" : fileName);

    public ISymbolWriter GetSymbolWriter(ModuleDefinition module, Stream symbolStream) =>
        new EmbeddedPortablePdbWriterProvider().GetSymbolWriter(module, symbolStream);
}
