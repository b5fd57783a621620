using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Identity hash codes under control. The runtime's are random per process, so code that orders locks by
/// <c>GetHashCode()</c> (a common way out of a lock-order deadlock) took a different path in every schedule and in a
/// replay. Objects first hashed during a controlled run get a code derived from how many objects this run hashed
/// before; every object keeps its first code for life, so a code handed out outside a run (or by the framework)
/// stays consistent.
/// </summary>
internal static class IdentityHashes
{
    private static readonly ConditionalWeakTable<object, StrongBox<int>> Codes = new();

    public static int Of(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (Codes.TryGetValue(obj, out var known))
        {
            return known.Value;
        }

        var op = ControlledOperation.Current;
        return Codes.GetValue(obj, o => new StrongBox<int>(op is null ? RuntimeHelpers.GetHashCode(o) : op.Runtime.NextIdentityHash())).Value;
    }
}

[Intercepts(typeof(RuntimeHelpers))]
public static class ControlledRuntimeHelpers
{
    public static int GetHashCode(object o) => o is null ? 0 : IdentityHashes.Of(o);
}

/// <summary>
/// <c>obj.GetHashCode()</c> where the object's class does not override it: the identity hash, controlled. A string's
/// (the compiler calls <c>object.GetHashCode</c> for <c>s.GetHashCode()</c> too) is randomized per process, so code
/// that picks a lock stripe by key would take other paths when a finding is replayed in another process (`kata
/// replay`, a worker); inside a controlled run it is a fixed FNV-1a hash of the characters instead.
/// </summary>
[Intercepts(typeof(object))]
public static class ControlledObject
{
    private static readonly ConcurrentDictionary<Type, bool> Overrides = new();

    public static int GetHashCode(object self)
    {
        if (self is null)
        {
            throw new NullReferenceException("Object reference not set to an instance of an object.");
        }

        if (self is string text && ControlledOperation.Current is not null)
        {
            return StableHash(text);
        }

        var type = self.GetType();
        var overridden = Overrides.GetOrAdd(type, static t => t.GetMethod(nameof(GetHashCode), Type.EmptyTypes)!.DeclaringType != typeof(object));
        return overridden ? self.GetHashCode() : IdentityHashes.Of(self);
    }

    private static int StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)hash;
    }
}
