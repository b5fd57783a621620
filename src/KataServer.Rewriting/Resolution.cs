using Mono.Cecil;

namespace KataServer.Rewriting;

/// <summary>
/// Resolves assembly references by simple name: first assemblies given in memory, then directories, then a fallback.
/// Not thread-safe; the rewriter serializes its use (see <see cref="AssemblyRewriter"/>).
/// </summary>
internal sealed class NameResolver : IAssemblyResolver
{
    private readonly Dictionary<string, string> _paths = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, AssemblyDefinition> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<AssemblyDefinition> _owned = [];
    private readonly IAssemblyResolver? _fallback;

    public NameResolver(IAssemblyResolver? fallback) => _fallback = fallback;

    /// <summary>The trusted platform assemblies of the running runtime plus the given directories.</summary>
    public static NameResolver ForRuntime(IEnumerable<string> directories)
    {
        var resolver = new NameResolver(null);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
        {
            foreach (var path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                resolver.AddFile(path);
            }
        }

        foreach (var dir in directories)
        {
            resolver.AddDirectory(dir);
        }

        return resolver;
    }

    public void AddFile(string path)
    {
        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".exe", StringComparison.OrdinalIgnoreCase))
        {
            _paths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        }
    }

    public void AddDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.dll"))
        {
            AddFile(file);
        }
    }

    public void AddInMemory(byte[] image)
    {
        var assembly = AssemblyDefinition.ReadAssembly(new MemoryStream(image, writable: false), new ReaderParameters { AssemblyResolver = this });
        _owned.Add(assembly);
        _loaded.TryAdd(assembly.Name.Name, assembly);
    }

    public AssemblyDefinition Resolve(AssemblyNameReference name) => Resolve(name, new ReaderParameters());

    public AssemblyDefinition Resolve(AssemblyNameReference name, ReaderParameters parameters) =>
        TryResolve(name) ?? throw new AssemblyResolutionException(name);

    private AssemblyDefinition? TryResolve(AssemblyNameReference name)
    {
        if (_loaded.TryGetValue(name.Name, out var done))
        {
            return done;
        }

        if (_paths.TryGetValue(name.Name, out var path))
        {
            var assembly = AssemblyDefinition.ReadAssembly(path, new ReaderParameters { AssemblyResolver = this, ReadingMode = ReadingMode.Deferred });
            _owned.Add(assembly);
            _loaded[name.Name] = assembly;
            return assembly;
        }

        if (_fallback is null)
        {
            return null;
        }

        try
        {
            return _fallback.Resolve(name);
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var assembly in _owned)
        {
            assembly.Dispose();
        }

        _owned.Clear();
        _loaded.Clear();
    }
}
