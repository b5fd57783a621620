using System.Collections.Immutable;

namespace KataServer.Compilation.Policy;

/// <summary>A named reason a learner is shown when code uses something a policy denies.</summary>
/// <param name="Id">Stable id (kebab-case), for manifests and logs.</param>
/// <param name="Name">Short learner-readable name, shown in parentheses: "(file system access)".</param>
/// <param name="Reason">One sentence explaining why, and what to do instead where there is an alternative.</param>
public sealed record PolicyRule(string Id, string Name, string Reason);

public enum PolicyEffect
{
    Deny,
    Allow,
}

/// <summary>
/// One prefix entry. A prefix is a fully qualified namespace, type or member name without generic
/// arity or arguments (<c>System.IO</c>, <c>System.IO.File</c>, <c>System.IO.File.WriteAllText</c>,
/// <c>System.IO.FileStream..ctor</c>); it matches the name itself and anything below it at a
/// <c>.</c> boundary. A trailing <c>*</c> matches raw text (<c>System.Threading.Semaphore*</c> also
/// covers <c>SemaphoreSlim</c>). Language constructs have pseudo names under <c>syntax:</c>
/// (<c>syntax:lock</c>, <c>syntax:unsafe</c>, <c>syntax:finalizer</c>, ...; see <see cref="SyntaxNames"/>).
/// </summary>
public sealed record PolicyEntry(string Prefix, PolicyEffect Effect, PolicyRule Rule)
{
    /// <summary>
    /// The entry covers only the types declared directly in the namespace <see cref="Prefix"/> (and their
    /// members), not its sub-namespaces: <c>System</c> allows <c>System.String</c> but not
    /// <c>System.Formats.Tar.TarFile</c>. Only matches when the caller knows the name's namespace.
    /// </summary>
    public bool OwnTypesOnly { get; init; }
}

/// <summary>The outcome of matching one name against a policy.</summary>
public readonly record struct PolicyDecision(bool Denied, PolicyRule? Rule, string? MatchedPrefix);

/// <summary>Pseudo names of language constructs the checker reports (match them with prefixes like any API).</summary>
public static class SyntaxNames
{
    public const string Lock = "syntax:lock";
    public const string Unsafe = "syntax:unsafe";
    public const string UnsafeBlock = "syntax:unsafe.block";
    public const string Pointer = "syntax:unsafe.pointer";
    public const string Fixed = "syntax:unsafe.fixed";
    public const string StackallocPointer = "syntax:unsafe.stackalloc";
    public const string FunctionPointer = "syntax:unsafe.function-pointer";
    public const string UndocumentedKeyword = "syntax:unsafe.undocumented-keyword";
    public const string Extern = "syntax:extern";
    public const string Finalizer = "syntax:finalizer";
    public const string Dynamic = "syntax:dynamic";
    public const string ReservedNamespace = "syntax:reserved-namespace";
    public const string ReservedTypeName = "syntax:reserved-type-name";
}

/// <summary>
/// What learner code may reference. Immutable; build per kata with <see cref="WithDenied(string[])"/>
/// and <see cref="WithAllowed(string[])"/>. Precedence: an explicit kata deny beats everything; then a
/// kata allow beats the defaults; among the defaults the longest matching prefix wins (so
/// <c>System.IO.MemoryStream</c> allowed beats <c>System.IO</c> denied).
/// </summary>
public sealed class ApiPolicy
{
    private readonly ImmutableArray<PolicyEntry> _defaults;
    private readonly ImmutableArray<PolicyEntry> _kataDenied;
    private readonly ImmutableArray<string> _kataAllowed;
    private readonly bool _denyUnlisted;

    private ApiPolicy(ImmutableArray<PolicyEntry> defaults, ImmutableArray<PolicyEntry> kataDenied, ImmutableArray<string> kataAllowed, bool denyUnlisted)
    {
        _defaults = defaults;
        _kataDenied = kataDenied;
        _kataAllowed = kataAllowed;
        _denyUnlisted = denyUnlisted;
    }

    /// <summary>
    /// The default sandbox policy every kata starts from (see <see cref="DefaultPolicyTable"/>): an allow-list,
    /// with named deny rules carved out of it; whatever no entry allows is denied under <see cref="UnlistedRule"/>.
    /// </summary>
    public static ApiPolicy Default { get; } = new(DefaultPolicyTable.Entries, [], [], denyUnlisted: true);

    /// <summary>No default rules at all, nothing denied (for tests of kata rules alone).</summary>
    public static ApiPolicy Empty { get; } = new([], [], [], denyUnlisted: false);

    /// <summary>The rule for an API no allow-list entry covers.</summary>
    public static PolicyRule UnlistedRule => DefaultPolicyTable.Unlisted;

    /// <summary>Whether names no entry covers are denied (true for <see cref="Default"/>).</summary>
    public bool DeniesUnlisted => _denyUnlisted;

    public static PolicyRule KataRule { get; } = new("kata-rule", "not allowed in this kata", "This kata's rules forbid it; read the kata statement for the tools you may use.");

    public static PolicyRule BlockingRule { get; } = new("blocking-primitive", "blocking primitive",
        "This kata asks for a lock-free solution: use Interlocked (CompareExchange, Exchange, Increment) and Volatile, not locks, semaphores, events or ready-made concurrent collections.");

    /// <summary>
    /// The blocking-primitive preset (manifest name <c>@blocking</c>), for lock-free katas: the
    /// <c>lock</c> statement, Monitor, Lock, semaphores, mutexes, spin locks, reader-writer locks,
    /// events, CountdownEvent, Barrier, wait handles, [MethodImpl(Synchronized)], concurrent
    /// collections and channels. SpinWait, Interlocked, Volatile and Thread.Yield stay allowed.
    /// </summary>
    public static ImmutableArray<string> BlockingPrimitives { get; } =
    [
        SyntaxNames.Lock,
        "System.Threading.Monitor",
        "System.Threading.Lock",
        "System.Threading.Semaphore*",
        "System.Threading.Mutex",
        "System.Threading.SpinLock",
        "System.Threading.ReaderWriterLock*",
        "System.Threading.ManualResetEvent*",
        "System.Threading.AutoResetEvent",
        "System.Threading.EventWaitHandle",
        "System.Threading.WaitHandle",
        "System.Threading.CountdownEvent",
        "System.Threading.Barrier",
        "System.Runtime.CompilerServices.MethodImplOptions.Synchronized",
        "System.Collections.Concurrent",
        "System.Threading.Channels",
    ];

    /// <summary>Named presets a manifest may reference in its deny or allow lists.</summary>
    public static ImmutableDictionary<string, (PolicyRule Rule, ImmutableArray<string> Prefixes)> Presets { get; } =
        ImmutableDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, new[]
        {
            KeyValuePair.Create("@blocking", (BlockingRule, BlockingPrimitives)),
        });

    public IReadOnlyList<PolicyEntry> DefaultEntries => _defaults;

    public IReadOnlyList<PolicyEntry> KataDenied => _kataDenied;

    public IReadOnlyList<string> KataAllowed => _kataAllowed;

    /// <summary>
    /// The policy a kata manifest describes: the defaults, plus its <c>allow</c> and <c>deny</c> lists
    /// (prefixes or <c>@preset</c> names such as <c>@blocking</c>). Null lists mean none.
    /// </summary>
    public static ApiPolicy FromManifest(IEnumerable<string>? deny, IEnumerable<string>? allow)
        => Default.WithAllowed([.. allow ?? []]).WithDenied([.. deny ?? []]);

    /// <summary>Adds kata denies (prefixes or <c>@preset</c> names) under <see cref="KataRule"/> (presets keep their own rule).</summary>
    public ApiPolicy WithDenied(params string[] prefixes) => WithDenied(KataRule, prefixes);

    public ApiPolicy WithDenied(PolicyRule rule, params string[] prefixes)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var added = new List<PolicyEntry>();
        foreach (var p in prefixes ?? [])
        {
            if (string.IsNullOrWhiteSpace(p)) continue;
            string prefix = p.Trim();
            if (prefix.StartsWith('@'))
            {
                var preset = GetPreset(prefix);
                added.AddRange(preset.Prefixes.Select(x => new PolicyEntry(x, PolicyEffect.Deny, preset.Rule)));
            }
            else
            {
                added.Add(new PolicyEntry(prefix, PolicyEffect.Deny, rule));
            }
        }
        return new ApiPolicy(_defaults, _kataDenied.AddRange(added), _kataAllowed, _denyUnlisted);
    }

    /// <summary>Adds kata allows (prefixes or <c>@preset</c> names): they beat default denies, not kata denies.</summary>
    public ApiPolicy WithAllowed(params string[] prefixes)
    {
        var added = new List<string>();
        foreach (var p in prefixes ?? [])
        {
            if (string.IsNullOrWhiteSpace(p)) continue;
            string prefix = p.Trim();
            if (prefix.StartsWith('@')) added.AddRange(GetPreset(prefix).Prefixes);
            else added.Add(prefix);
        }
        return new ApiPolicy(_defaults, _kataDenied, _kataAllowed.AddRange(added), _denyUnlisted);
    }

    private static (PolicyRule Rule, ImmutableArray<string> Prefixes) GetPreset(string name)
        => Presets.TryGetValue(name, out var preset)
            ? preset
            : throw new ArgumentException($"Unknown policy preset '{name}'. Known presets: {string.Join(", ", Presets.Keys)}.", nameof(name));

    /// <summary>
    /// Whether a fully qualified name (or <c>syntax:</c> pseudo name) is denied, and by which rule.
    /// <paramref name="ns"/> is the namespace the name's outermost type is declared in; without it,
    /// entries that cover only a namespace's own types (<c>System</c>) do not match, so the answer errs
    /// on the side of denying.
    /// </summary>
    public PolicyDecision Evaluate(string name, string? ns = null)
    {
        PolicyEntry? kata = Longest(_kataDenied, name, ns);
        if (kata is not null) return new PolicyDecision(true, kata.Rule, kata.Prefix);
        foreach (var allow in _kataAllowed)
        {
            if (Matches(allow, name)) return new PolicyDecision(false, null, allow);
        }
        PolicyEntry? best = Longest(_defaults, name, ns);
        if (best is null)
        {
            return _denyUnlisted && !name.StartsWith("syntax:", StringComparison.Ordinal)
                ? new PolicyDecision(true, UnlistedRule, "*")
                : new PolicyDecision(false, null, null);
        }
        return best.Effect == PolicyEffect.Deny
            ? new PolicyDecision(true, best.Rule, best.Prefix)
            : new PolicyDecision(false, null, best.Prefix);
    }

    /// <summary>
    /// A type reference (a declaration, <c>typeof</c>, a cast, an expression's type) is reported only when
    /// the type is denied as a whole: denied, and either denied by the kata or with no allowed member
    /// below it. <c>Environment</c> is not wholly denied (ProcessorCount is allowed), so writing
    /// <c>Environment.ProcessorCount</c> is fine while <c>Environment.Exit</c> is reported at the member.
    /// </summary>
    public PolicyDecision EvaluateType(string typeName, string? ns = null)
    {
        var d = Evaluate(typeName, ns);
        if (!d.Denied) return d;
        if (Longest(_kataDenied, typeName, ns) is not null) return d;
        string below = typeName + ".";
        bool anyAllowedBelow = _kataAllowed.Any(a => a.StartsWith(below, StringComparison.Ordinal))
            || _defaults.Any(e => e.Effect == PolicyEffect.Allow && e.Prefix.StartsWith(below, StringComparison.Ordinal));
        return anyAllowedBelow ? new PolicyDecision(false, null, null) : d;
    }

    /// <summary>
    /// Whether anything in namespace <paramref name="ns"/> (its own types, not sub-namespaces) can be allowed:
    /// a quick, conservative filter before evaluating each type of a namespace.
    /// </summary>
    public bool MayAllowIn(string ns)
    {
        if (!_denyUnlisted) return true;
        string below = ns + ".";
        bool Covers(string prefix, bool ownTypesOnly)
        {
            if (prefix.EndsWith('*')) prefix = prefix[..^1];
            if (prefix.StartsWith(below, StringComparison.Ordinal) || prefix == ns || below.StartsWith(prefix, StringComparison.Ordinal)) return true;
            return !ownTypesOnly && ns.StartsWith(prefix + ".", StringComparison.Ordinal);
        }
        return _kataAllowed.Any(a => Covers(a, false)) || _defaults.Any(e => e.Effect == PolicyEffect.Allow && Covers(e.Prefix, e.OwnTypesOnly));
    }

    private static PolicyEntry? Longest(ImmutableArray<PolicyEntry> entries, string name, string? ns)
    {
        PolicyEntry? best = null;
        foreach (var e in entries)
        {
            if (e.OwnTypesOnly ? !string.Equals(ns, e.Prefix, StringComparison.Ordinal) || !Matches(e.Prefix, name) : !Matches(e.Prefix, name)) continue;
            if (best is null || PrefixLength(e.Prefix) > PrefixLength(best.Prefix)
                || (PrefixLength(e.Prefix) == PrefixLength(best.Prefix) && e.Effect == PolicyEffect.Deny))
                best = e;
        }
        return best;
    }

    private static int PrefixLength(string prefix) => prefix.EndsWith('*') ? prefix.Length - 1 : prefix.Length;

    /// <summary>Prefix match at a name boundary (<c>.</c>, <c>(</c>, <c>&lt;</c>, <c>[</c>), or raw with a trailing <c>*</c>.</summary>
    public static bool Matches(string prefix, string name)
    {
        if (prefix.EndsWith('*')) return name.StartsWith(prefix.AsSpan(0, prefix.Length - 1), StringComparison.Ordinal);
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        if (name.Length == prefix.Length) return true;
        char next = name[prefix.Length];
        return next is '.' or '(' or '<' or '[';
    }
}
