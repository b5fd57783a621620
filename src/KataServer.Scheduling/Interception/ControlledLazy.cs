using System.Reflection;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// <see cref="Lazy{T}"/> under control. In the default mode (ExecutionAndPublication) the first <c>Value</c> is
/// computed under a controlled lock on the instance, so the real Lazy (which locks internally, out of the engine's
/// sight) is never contended and concurrent callers wait as operations the explorer can see. The other modes never
/// block (PublicationOnly lets racing callers each run the factory and keeps the first value published; None is not
/// thread-safe at all), so the real Lazy runs as is and the explorer sees the factories race, as they would.
/// </summary>
[Intercepts(typeof(Lazy<>))]
public static class ControlledLazy<T>
{
    // Lazy<T> keeps its mode internal; without it (another runtime) every mode is taken as the default.
    private static readonly Func<Lazy<T>, LazyThreadSafetyMode?>? ModeOf =
        typeof(Lazy<T>).GetProperty("Mode", BindingFlags.Instance | BindingFlags.NonPublic)?.GetMethod is { } getter
            ? getter.CreateDelegate<Func<Lazy<T>, LazyThreadSafetyMode?>>()
            : null;

    public static T get_Value(Lazy<T> self)
    {
        var op = ControlledOperation.Current;
        if (op is null || self.IsValueCreated) return self.Value;
        if (ModeOf?.Invoke(self) is LazyThreadSafetyMode.PublicationOnly or LazyThreadSafetyMode.None)
        {
            op.Runtime.SchedulePoint(op, "Lazy.Value", self, "lazy", isYield: true);
            return self.Value;
        }

        ControlledMonitor.Enter(self);
        try
        {
            return self.Value;
        }
        finally
        {
            ControlledMonitor.Exit(self);
        }
    }
}

/// <summary>
/// The <c>syncLock</c> overloads of <see cref="LazyInitializer"/> under control: double-checked locking on a
/// controlled Monitor, so callers that wait for the factory are operations the explorer sees (the real ones take a
/// framework lock out of its sight). The lock-free overloads need no model: they never block.
/// </summary>
[Intercepts(typeof(LazyInitializer))]
public static class ControlledLazyInitializer
{
    public static T EnsureInitialized<T>(ref T target, ref bool initialized, ref object? syncLock) =>
        EnsureInitialized(ref target, ref initialized, ref syncLock, Activator.CreateInstance<T>);

    public static T EnsureInitialized<T>(ref T target, ref bool initialized, ref object? syncLock, Func<T> valueFactory)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return LazyInitializer.EnsureInitialized(ref target, ref initialized, ref syncLock, valueFactory);
        }

        op.Runtime.SchedulePoint(op, "LazyInitializer.EnsureInitialized", null, "lazy", isYield: true);
        if (Volatile.Read(ref initialized))
        {
            return target;
        }

        object gate = Interlocked.CompareExchange(ref syncLock, new object(), null) ?? syncLock!;
        ControlledMonitor.Enter(gate);
        try
        {
            if (!Volatile.Read(ref initialized))
            {
                target = valueFactory();
                Volatile.Write(ref initialized, true);
            }
        }
        finally
        {
            ControlledMonitor.Exit(gate);
        }

        return target;
    }

    public static T EnsureInitialized<T>(ref T? target, ref object? syncLock, Func<T> valueFactory)
        where T : class
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return LazyInitializer.EnsureInitialized(ref target, ref syncLock, valueFactory);
        }

        op.Runtime.SchedulePoint(op, "LazyInitializer.EnsureInitialized", null, "lazy", isYield: true);
        if (Volatile.Read(ref target) is { } existing)
        {
            return existing;
        }

        object gate = Interlocked.CompareExchange(ref syncLock, new object(), null) ?? syncLock!;
        ControlledMonitor.Enter(gate);
        try
        {
            if (Volatile.Read(ref target) is null)
            {
                Volatile.Write(ref target, valueFactory() ?? throw new InvalidOperationException("The lazily-initialized type does not have a public, parameterless constructor."));
            }
        }
        finally
        {
            ControlledMonitor.Exit(gate);
        }

        return target!;
    }
}
