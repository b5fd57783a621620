using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// <see cref="ValueTask"/> under control: as for Task, ConfigureAwait(false) is ignored so that the
/// continuation is posted to the controlled context instead of escaping to the thread pool. AsTask of a pending
/// ValueTask is completed from a continuation on the controlled context too: the real AsTask of an
/// IValueTaskSource (a channel's pending read or write, say) completes its task from the thread pool.
/// </summary>
[Intercepts(typeof(ValueTask))]
public static class ControlledValueTask
{
    public static ConfiguredValueTaskAwaitable ConfigureAwait(ref ValueTask self, bool continueOnCapturedContext) =>
        self.ConfigureAwait(continueOnCapturedContext || ControlledOperation.Current is not null);

    public static Task AsTask(ref ValueTask self)
    {
        if (ControlledOperation.Current is null || self.IsCompleted)
        {
            return self.AsTask();
        }

        var awaiter = self.GetAwaiter();
        var task = new TaskCompletionSource<bool>();
        awaiter.OnCompleted(() => ControlledValueTask<bool>.Complete(task, () =>
        {
            awaiter.GetResult();
            return true;
        }));
        return task.Task;
    }
}

[Intercepts(typeof(ValueTask<>))]
public static class ControlledValueTask<TResult>
{
    public static ConfiguredValueTaskAwaitable<TResult> ConfigureAwait(ref ValueTask<TResult> self, bool continueOnCapturedContext) =>
        self.ConfigureAwait(continueOnCapturedContext || ControlledOperation.Current is not null);

    public static Task<TResult> AsTask(ref ValueTask<TResult> self)
    {
        if (ControlledOperation.Current is null || self.IsCompleted)
        {
            return self.AsTask();
        }

        var awaiter = self.GetAwaiter();
        var task = new TaskCompletionSource<TResult>();
        awaiter.OnCompleted(() => Complete(task, awaiter.GetResult));
        return task.Task;
    }

    /// <summary>Completes <paramref name="task"/> the way <paramref name="getResult"/> ends.</summary>
    internal static void Complete(TaskCompletionSource<TResult> task, Func<TResult> getResult)
    {
        try
        {
            task.TrySetResult(getResult());
        }
        catch (OperationCanceledException e)
        {
            task.TrySetCanceled(e.CancellationToken);
        }
        catch (Exception e)
        {
            task.TrySetException(e);
        }
    }
}
