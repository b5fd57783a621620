using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// ThreadLocal&lt;T&gt; under control: values are kept per controlled operation (operations share pooled OS
/// threads, so the real thread-local storage would leak values between them). [ThreadStatic] fields cannot be
/// redirected this way.
/// </summary>
[Intercepts(typeof(ThreadLocal<>))]
public static class ControlledThreadLocal<T>
{
    private sealed class State
    {
        public readonly Dictionary<int, T?> Values = new();
    }

    private sealed class Factory(Func<T>? create)
    {
        public Func<T>? Create { get; } = create;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ThreadLocal<T>, Factory> Factories = new();

    public static ThreadLocal<T> New() => Register(new ThreadLocal<T>(), null);

    public static ThreadLocal<T> New(bool trackAllValues) => Register(new ThreadLocal<T>(trackAllValues), null);

    public static ThreadLocal<T> New(Func<T> valueFactory) => Register(new ThreadLocal<T>(valueFactory), valueFactory);

    public static ThreadLocal<T> New(Func<T> valueFactory, bool trackAllValues) => Register(new ThreadLocal<T>(valueFactory, trackAllValues), valueFactory);

    private static ThreadLocal<T> Register(ThreadLocal<T> local, Func<T>? factory)
    {
        Factories.AddOrUpdate(local, new Factory(factory));
        return local;
    }

    private static State Get(ControlledOperation op, ThreadLocal<T> self)
    {
        ArgumentNullException.ThrowIfNull(self);
        return op.Runtime.StateOf(self, static _ => new State());
    }

    public static T? get_Value(ThreadLocal<T> self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Value;
        }

        var s = Get(op, self);
        if (!s.Values.TryGetValue(op.Id, out var value))
        {
            value = Factories.TryGetValue(self, out var f) && f.Create is not null ? f.Create() : default;
            s.Values[op.Id] = value;
        }

        return value;
    }

    public static void set_Value(ThreadLocal<T> self, T? value)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Value = value!;
            return;
        }

        Get(op, self).Values[op.Id] = value;
    }

    public static bool get_IsValueCreated(ThreadLocal<T> self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.IsValueCreated : Get(op, self).Values.ContainsKey(op.Id);
    }

    public static IList<T> get_Values(ThreadLocal<T> self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Values;
        }

        _ = self.Values; // throws like the real one when values are not tracked
        var s = Get(op, self);
        return s.Values.OrderBy(kv => kv.Key).Select(kv => kv.Value!).ToList();
    }
}
