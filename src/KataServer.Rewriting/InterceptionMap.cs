using System.Reflection;
using KataServer.Scheduling.Interception;
using Mono.Cecil;

namespace KataServer.Rewriting;

/// <summary>One replacement: the framework API it stands for and the static method that replaces it.</summary>
/// <param name="Target">e.g. <c>System.Threading.Monitor::Enter(System.Object,System.Boolean&amp;)</c></param>
/// <param name="Replacement">e.g. <c>KataServer.Scheduling.ControlledMonitor::Enter</c></param>
public sealed record InterceptionEntry(string Target, string Replacement);

/// <summary>
/// The set of replacements the rewriter applies, built by reflection over static classes carrying
/// <see cref="InterceptsAttribute"/>. Matching is by method name and parameter types, with the conventions documented on
/// <see cref="InterceptsAttribute"/>. Immutable once built; safe to share between rewrites.
/// </summary>
public sealed class InterceptionMap
{
    private readonly Dictionary<string, TargetType> _targets = new(StringComparer.Ordinal);
    private readonly List<string> _diagnostics = [];
    private readonly List<InterceptionEntry> _entries = [];
    private readonly HashSet<string> _replacementTypes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _assemblyDirectories = new(StringComparer.Ordinal);

    private InterceptionMap()
    {
    }

    /// <summary>An empty map: nothing is replaced (field hooks can still be inserted).</summary>
    public static InterceptionMap Empty { get; } = new();

    /// <summary>Every [Intercepts] class in the assembly.</summary>
    public static InterceptionMap FromAssembly(Assembly assembly) => FromAssemblies(assembly);

    public static InterceptionMap FromAssemblies(params Assembly[] assemblies)
    {
        var map = new InterceptionMap();
        lock (AssemblyRewriter.Gate)
        {
            foreach (var assembly in assemblies.Distinct())
            {
                var module = ReplacementModules.Get(assembly);
                map._assemblyDirectories.Add(Path.GetDirectoryName(assembly.Location)!);
                foreach (var type in module.GetTypes())
                {
                    map.AddType(type);
                }
            }

            map.Validate();
        }

        return map;
    }

    /// <summary>Only the given [Intercepts] classes (each must carry the attribute).</summary>
    public static InterceptionMap FromTypes(params Type[] types)
    {
        var map = new InterceptionMap();
        lock (AssemblyRewriter.Gate)
        {
            foreach (var type in types.Distinct())
            {
                if (type.GetCustomAttributes<InterceptsAttribute>().FirstOrDefault() is null)
                {
                    throw new ArgumentException($"{type.FullName} carries no [Intercepts] attribute.", nameof(types));
                }

                var module = ReplacementModules.Get(type.Assembly);
                map._assemblyDirectories.Add(Path.GetDirectoryName(type.Assembly.Location)!);
                var definition = (TypeDefinition)module.LookupToken(type.MetadataToken);
                map.AddType(definition);
            }

            map.Validate();
        }

        return map;
    }

    /// <summary>Framework types with at least one replacement, e.g. <c>System.Threading.Monitor</c>.</summary>
    public IReadOnlyCollection<string> TargetTypes => _targets.Keys;

    /// <summary>Every replacement, sorted by target.</summary>
    public IReadOnlyList<InterceptionEntry> Entries => _entries;

    /// <summary>Problems found while building the map: replacements that match no member of their target, duplicates, non-public classes.</summary>
    public IReadOnlyList<string> Diagnostics => _diagnostics;

    internal IEnumerable<string> AssemblyDirectories => _assemblyDirectories;

    internal bool IsReplacementType(TypeDefinition type) => _replacementTypes.Contains(type.Module.Assembly.Name.Name + "|" + type.FullName);

    internal bool TryGetTarget(string typeKey, out TargetType target) => _targets.TryGetValue(typeKey, out target!);

    private void AddType(TypeDefinition type)
    {
        foreach (var attribute in type.CustomAttributes)
        {
            if (attribute.AttributeType.FullName != typeof(InterceptsAttribute).FullName || attribute.ConstructorArguments.Count != 1 ||
                attribute.ConstructorArguments[0].Value is not TypeReference targetRef)
            {
                continue;
            }

            if (!type.IsAbstract || !type.IsSealed)
            {
                _diagnostics.Add($"{type.FullName}: [Intercepts] classes must be static; ignored.");
                continue;
            }

            if (!IsVisible(type))
            {
                _diagnostics.Add($"{type.FullName}: not public, rewritten code could not call it; ignored.");
                continue;
            }

            var key = Signatures.TypeKey(targetRef);
            var arity = targetRef.GenericParameters.Count;
            if (arity == 0)
            {
                arity = ArityFromName(key);
            }

            if (type.GenericParameters.Count != arity)
            {
                _diagnostics.Add($"{type.FullName}: target {key} has {arity} generic parameter(s), the replacement class {type.GenericParameters.Count}; ignored.");
                continue;
            }

            TypeDefinition? resolved = null;
            try
            {
                resolved = targetRef.Resolve();
            }
            catch (AssemblyResolutionException)
            {
            }

            if (!_targets.TryGetValue(key, out var target))
            {
                target = new TargetType(key, arity, resolved?.IsValueType ?? false, resolved);
                _targets.Add(key, target);
            }

            _replacementTypes.Add(type.Module.Assembly.Name.Name + "|" + type.FullName);
            foreach (var method in type.Methods)
            {
                if (!method.IsStatic || !method.IsPublic || method.IsConstructor || method.IsSpecialName && !IsAccessorName(method.Name))
                {
                    continue;
                }

                var signature = Signatures.Method(method.Name, method.Parameters.Select(p => Signatures.Type(p.ParameterType)),
                    Signatures.Type(method.ReturnType), method.GenericParameters.Count);
                if (!target.Methods.TryAdd(signature, method))
                {
                    _diagnostics.Add($"{key}: {signature} is replaced twice; {target.Methods[signature].DeclaringType.FullName} wins over {type.FullName}.");
                    continue;
                }

                _entries.Add(new InterceptionEntry(key + "::" + signature, type.FullName + "::" + method.Name));
            }
        }
    }

    /// <summary>
    /// The generic arity a type's name spells: <c>Channel`1</c> has 1; a nested type repeats its outer type's
    /// parameters, so <c>ConfiguredTaskAwaitable`1/ConfiguredTaskAwaiter</c> has 1 too.
    /// </summary>
    private static int ArityFromName(string key)
    {
        var arity = 0;
        foreach (var segment in key.Split('/'))
        {
            if (segment.LastIndexOf('`') is var tick and >= 0 && int.TryParse(segment.AsSpan(tick + 1), out var own))
            {
                arity += own;
            }
        }

        return arity;
    }

    private static bool IsAccessorName(string name) => name.StartsWith("get_", StringComparison.Ordinal) || name.StartsWith("set_", StringComparison.Ordinal) ||
                                                       name.StartsWith("add_", StringComparison.Ordinal) || name.StartsWith("remove_", StringComparison.Ordinal);

    private static bool IsVisible(TypeDefinition type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            if (!(t.IsPublic || t.IsNestedPublic))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks each replacement against the members of its (resolved) target type.</summary>
    private void Validate()
    {
        foreach (var target in _targets.Values)
        {
            if (target.Definition is null)
            {
                _diagnostics.Add($"{target.Key}: could not be resolved against the running framework; replacements are not validated.");
                continue;
            }

            var expected = new HashSet<string>(StringComparer.Ordinal);
            foreach (var method in target.Definition.Methods)
            {
                if (method.IsConstructor && method.IsStatic)
                {
                    continue;
                }

                expected.Add(target.KeyFor(method, method.IsConstructor));
            }

            foreach (var (signature, replacement) in target.Methods)
            {
                if (!expected.Contains(signature))
                {
                    _diagnostics.Add($"{replacement.DeclaringType.FullName}::{replacement.Name}: {signature} matches no member of {target.Key}; it will never be used.");
                }
            }
        }

        _entries.Sort((a, b) => string.CompareOrdinal(a.Target, b.Target));
    }

    internal sealed class TargetType(string key, int arity, bool isValueType, TypeDefinition? definition)
    {
        public string Key { get; } = key;

        public int Arity { get; } = arity;

        public bool IsValueType { get; } = isValueType;

        public TypeDefinition? Definition { get; } = definition;

        public Dictionary<string, MethodDefinition> Methods { get; } = new(StringComparer.Ordinal);

        /// <summary>The replacement signature a call to <paramref name="method"/> (a member of this type) would need.</summary>
        public string KeyFor(MethodReference method, bool isNewObj)
        {
            var parameters = method.Parameters.Select(p => Signatures.Type(p.ParameterType));
            var self = Signatures.SelfType(method.DeclaringType, Arity);
            if (isNewObj)
            {
                return Signatures.Method("New", parameters, self, 0);
            }

            var arity = method is GenericInstanceMethod gim ? gim.ElementMethod.GenericParameters.Count : method.GenericParameters.Count;
            if (method.HasThis)
            {
                parameters = parameters.Prepend(IsValueType ? self + "&" : self);
            }

            return Signatures.Method(method.Name, parameters, Signatures.Type(method.ReturnType), arity);
        }
    }
}

/// <summary>Cecil views of the assemblies that hold replacements and hooks, read once per process.</summary>
internal static class ReplacementModules
{
    private static readonly Dictionary<string, ModuleDefinition> Modules = new(StringComparer.Ordinal);

    /// <summary>Resolves framework types for the replacement modules (TPA).</summary>
    internal static NameResolver Framework { get; } = NameResolver.ForRuntime([]);

    /// <summary>Caller holds <see cref="AssemblyRewriter.Gate"/>.</summary>
    public static ModuleDefinition Get(Assembly assembly)
    {
        var location = assembly.Location;
        if (string.IsNullOrEmpty(location))
        {
            throw new ArgumentException($"{assembly.FullName} has no file location; replacement assemblies must be loaded from disk.");
        }

        if (!Modules.TryGetValue(location, out var module))
        {
            var dir = Path.GetDirectoryName(location)!;
            Framework.AddDirectory(dir);
            module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(location), writable: false),
                new ReaderParameters { AssemblyResolver = Framework, ReadingMode = ReadingMode.Immediate });
            Modules.Add(location, module);
        }

        return module;
    }
}
