using System.Reflection;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Static fields outlive a schedule: a static counter used to pick a stripe, a static cache or log would start each
/// schedule where the previous one stopped, so the same choices would not give the same execution and a replay in a
/// fresh process would diverge. The rewriter gives each type with static fields a method named
/// <see cref="ResetMethodName"/> that zeroes them and runs the static constructor's work again; <see cref="ResetterFor"/>
/// collects those methods so that a test body can start with them.
/// </summary>
public static class StaticFields
{
    /// <summary>The static method the rewriter adds; the name cannot clash with C# code.</summary>
    public const string ResetMethodName = "<KataServer>ResetStatics";

    /// <summary>Where the rewriter moves a static constructor's body (the constructor then calls it).</summary>
    public const string InitializerMethodName = "<KataServer>StaticInitializer";

    /// <summary>The static method the rewriter adds to types with <c>[ThreadStatic]</c> fields: zeroes them on the calling thread.</summary>
    public const string ThreadStaticResetMethodName = "<KataServer>ResetThreadStatics";

    /// <summary>
    /// An action that resets the static state of every rewritten type of <paramref name="assemblies"/>, in metadata order,
    /// or null when there is none.
    /// </summary>
    public static Action? ResetterFor(params Assembly[] assemblies) => Combine(assemblies, ResetMethodName);

    /// <summary>
    /// An action that zeroes, on the calling thread, the <c>[ThreadStatic]</c> fields of every rewritten type of
    /// <paramref name="assemblies"/> (what a new thread sees), or null when there are none.
    /// </summary>
    public static Action? ThreadStaticResetterFor(params Assembly[] assemblies) => Combine(assemblies, ThreadStaticResetMethodName);

    private static readonly object Gate = new();

    // Instantiations of rewritten generic types with statics, in the order they were first initialized (append-only).
    private static readonly List<Type> Instantiations = [];

    /// <summary>
    /// Called by the static constructor of each instantiation of a rewritten generic type with static fields (each
    /// instantiation has its own statics), so that the resetters reach it from then on.
    /// </summary>
    public static void RegisterInstantiation(Type type)
    {
        lock (Gate)
        {
            Instantiations.Add(type);
        }
    }

    private static Action? Combine(Assembly[] assemblies, string methodName)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        var types = assemblies.SelectMany(assembly => assembly.GetTypes().OrderBy(type => type.MetadataToken)).ToList();
        var resets = types.Where(type => !type.IsGenericTypeDefinition).Select(type => Find(type, methodName)).OfType<Action>().ToArray();
        bool anyGeneric = types.Any(type => type.IsGenericTypeDefinition && type.GetMethod(methodName, Declared, Type.EmptyTypes) is not null);
        if (resets.Length == 0 && !anyGeneric)
        {
            return null;
        }

        var generic = new List<Action>(); // the resets of Instantiations[0..seen), of these assemblies
        int seen = 0;
        return () =>
        {
            foreach (var reset in resets)
            {
                reset();
            }

            if (!anyGeneric)
            {
                return;
            }

            Action[] current;
            lock (Gate)
            {
                for (; seen < Instantiations.Count; seen++)
                {
                    var type = Instantiations[seen];
                    if (assemblies.Contains(type.Assembly) && Find(type, methodName) is { } reset)
                    {
                        generic.Add(reset);
                    }
                }

                current = generic.ToArray();
            }

            foreach (var reset in current)
            {
                reset();
            }
        };
    }

    private const BindingFlags Declared = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static Action? Find(Type type, string methodName) => type.GetMethod(methodName, Declared, Type.EmptyTypes)?.CreateDelegate<Action>();
}
