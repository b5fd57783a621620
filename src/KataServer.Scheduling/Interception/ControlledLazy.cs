using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// <see cref="Lazy{T}"/> under control: the first <c>Value</c> is computed under a controlled lock on the
/// instance, so the real Lazy (which locks internally, out of the engine's sight) is never contended and
/// concurrent callers wait as operations the explorer can see. Every thread-safety mode is serialized
/// this way, so a <c>LazyThreadSafetyMode.None</c> misuse is left to the real-thread stress to find.
/// </summary>
[Intercepts(typeof(Lazy<>))]
public static class ControlledLazy<T>
{
    public static T get_Value(Lazy<T> self)
    {
        if (ControlledOperation.Current is null || self.IsValueCreated) return self.Value;
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
