using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using KataServer.Compilation.Policy;
using Microsoft.CodeAnalysis;

namespace KataServer.Compilation;

/// <summary>
/// The framework reference set every kata compiles against, resolved once per process.
/// Prefers the targeting pack (<c>packs/Microsoft.NETCore.App.Ref/&lt;highest&gt;/ref/netX.Y</c>):
/// reference assemblies are small, stable and contain no private surface. Falls back to the
/// running runtime's implementation assemblies (TRUSTED_PLATFORM_ASSEMBLIES) when no pack exists.
/// Learner code compiles against a trimmed subset (<see cref="ForLearner"/>): only the assemblies that
/// declare a type the kata's policy lets it reach, so what the policy checker might miss still cannot bind.
/// </summary>
public sealed class ReferenceAssemblies
{
    private static readonly Lazy<ReferenceAssemblies> s_default = new(() => Resolve(), LazyThreadSafetyMode.ExecutionAndPublication);

    private ReferenceAssemblies(string origin, ImmutableArray<string> paths)
    {
        Origin = origin;
        Paths = paths;
        References = paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    public static ReferenceAssemblies Default => s_default.Value;

    /// <summary>Where the set came from: the pack directory, or "runtime:&lt;dir&gt;" for the fallback.</summary>
    public string Origin { get; }

    public ImmutableArray<string> Paths { get; }

    public ImmutableArray<MetadataReference> References { get; }

    private readonly ConcurrentDictionary<string, Lazy<ImmutableArray<MetadataReference>>> _learnerSets = new(StringComparer.Ordinal);

    /// <summary>
    /// The references learner code compiles against under <paramref name="policy"/>: every assembly of the
    /// set that declares at least one public type the policy does not deny as a whole. Facades (type
    /// forwarders only) are dropped: source binds to the assembly that declares a type (System.Runtime for
    /// the core types), never to a facade. Never a KataServer assembly (those are not in the set anyway).
    /// Only the kata's own <c>allow</c> list can widen the set, so sets are cached by it.
    /// </summary>
    public ImmutableArray<MetadataReference> ForLearner(ApiPolicy? policy = null)
    {
        policy ??= ApiPolicy.Default;
        string key = (policy.DeniesUnlisted ? "" : "all|") + string.Join("|", policy.KataAllowed.Order(StringComparer.Ordinal));
        return _learnerSets.GetOrAdd(key, _ => new Lazy<ImmutableArray<MetadataReference>>(
            () => [.. Paths.Select((path, i) => (path, i)).Where(x => DeclaresReachableType(x.path, policy)).Select(x => References[x.i])],
            LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>The file names of <see cref="ForLearner"/>'s set (for the README and tests).</summary>
    public IEnumerable<string> LearnerAssemblyNames(ApiPolicy? policy = null)
    {
        var set = ForLearner(policy).ToHashSet();
        return Paths.Where((_, i) => set.Contains(References[i])).Select(p => Path.GetFileName(p));
    }

    private static bool DeclaresReachableType(string path, ApiPolicy policy)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata) return false;
            var md = pe.GetMetadataReader();
            if (!md.IsAssembly || md.GetString(md.GetAssemblyDefinition().Name).StartsWith("KataServer", StringComparison.Ordinal)) return false;
            var namespaces = new Dictionary<string, bool>(StringComparer.Ordinal);
            bool declaresPublicTypes = false;
            foreach (var handle in md.TypeDefinitions)
            {
                var type = md.GetTypeDefinition(handle);
                if ((type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public) continue;
                declaresPublicTypes = true;
                if (Reachable(policy, namespaces, md.GetString(type.Namespace), md.GetString(type.Name))) return true;
            }
            if (declaresPublicTypes) return false;
            // A pure facade (System.Runtime over System.Private.CoreLib in the runtime's own set, netstandard, mscorlib)
            // only forwards: the declaring assemblies' signatures name it, so it stays when it forwards something
            // reachable. A forwarded type whose target assembly is not in the set still cannot bind.
            foreach (var handle in md.ExportedTypes)
            {
                var exported = md.GetExportedType(handle);
                if (exported.Implementation.Kind != HandleKind.AssemblyReference) continue;
                if (Reachable(policy, namespaces, md.GetString(exported.Namespace), md.GetString(exported.Name))) return true;
            }
            return false;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static bool Reachable(ApiPolicy policy, Dictionary<string, bool> namespaces, string ns, string name)
    {
        if (!namespaces.TryGetValue(ns, out bool mayAllow)) namespaces[ns] = mayAllow = policy.MayAllowIn(ns);
        if (!mayAllow) return false;
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        return !policy.EvaluateType(ns.Length == 0 ? name : ns + "." + name, ns).Denied;
    }

    public static ReferenceAssemblies Resolve()
    {
        string? packDir = FindReferencePack();
        if (packDir is not null)
        {
            var files = Directory.GetFiles(packDir, "*.dll").OrderBy(f => f, StringComparer.Ordinal).ToImmutableArray();
            if (files.Length > 0) return new ReferenceAssemblies(packDir, files);
        }
        return FromRuntime();
    }

    /// <summary>The runtime's own implementation assemblies (used when no targeting pack is installed).</summary>
    public static ReferenceAssemblies FromRuntime()
    {
        string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(p), runtimeDir, StringComparison.Ordinal))
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        var files = tpa.Any() ? tpa : Directory.GetFiles(runtimeDir, "*.dll").Where(IsManagedFrameworkName);
        return new ReferenceAssemblies("runtime:" + runtimeDir, files.OrderBy(f => f, StringComparer.Ordinal).ToImmutableArray());
    }

    private static bool IsManagedFrameworkName(string path)
    {
        string n = Path.GetFileName(path);
        return n.StartsWith("System.", StringComparison.Ordinal) || n.StartsWith("Microsoft.", StringComparison.Ordinal)
            || n is "mscorlib.dll" or "netstandard.dll";
    }

    /// <summary>The dotnet root: DOTNET_ROOT when it has packs, else three levels above System.Private.CoreLib.</summary>
    public static string? FindDotnetRoot()
    {
        var candidates = new List<string>();
        string? env = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(env)) candidates.Add(env);
        // .../dotnet/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll -> .../dotnet
        string? coreLibDir = Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (!string.IsNullOrEmpty(coreLibDir)) candidates.Add(Path.GetFullPath(Path.Combine(coreLibDir, "..", "..", "..")));
        return candidates.FirstOrDefault(c => Directory.Exists(Path.Combine(c, "packs", "Microsoft.NETCore.App.Ref")))
            ?? candidates.FirstOrDefault(Directory.Exists);
    }

    private static string? FindReferencePack()
    {
        string? root = FindDotnetRoot();
        if (root is null) return null;
        string packs = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
        if (!Directory.Exists(packs)) return null;
        Version runtime = Environment.Version;
        string tfm = $"net{runtime.Major}.{runtime.Minor}";
        return Directory.GetDirectories(packs)
            .Select(d => (Dir: d, Version: ParseVersion(Path.GetFileName(d))))
            .Where(x => x.Version is not null)
            .OrderByDescending(x => x.Version!.Major == runtime.Major)
            .ThenByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, "ref", tfm))
            .FirstOrDefault(Directory.Exists);
    }

    private static Version? ParseVersion(string name)
    {
        int dash = name.IndexOf('-');
        return Version.TryParse(dash >= 0 ? name[..dash] : name, out var v) ? v : null;
    }
}
