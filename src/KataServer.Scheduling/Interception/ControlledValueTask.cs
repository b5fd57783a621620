using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// <see cref="ValueTask"/> under control: as for Task, ConfigureAwait(false) is ignored so that the
/// continuation is posted to the controlled context instead of escaping to the thread pool.
/// </summary>
[Intercepts(typeof(ValueTask))]
public static class ControlledValueTask
{
    public static ConfiguredValueTaskAwaitable ConfigureAwait(ref ValueTask self, bool continueOnCapturedContext) =>
        self.ConfigureAwait(continueOnCapturedContext || ControlledOperation.Current is not null);
}

[Intercepts(typeof(ValueTask<>))]
public static class ControlledValueTask<TResult>
{
    public static ConfiguredValueTaskAwaitable<TResult> ConfigureAwait(ref ValueTask<TResult> self, bool continueOnCapturedContext) =>
        self.ConfigureAwait(continueOnCapturedContext || ControlledOperation.Current is not null);
}
