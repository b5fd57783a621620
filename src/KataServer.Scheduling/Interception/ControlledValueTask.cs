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
        var task = new TaskCompletionSource();
        awaiter.OnCompleted(() =>
        {
            try
            {
                awaiter.GetResult();
                task.TrySetResult();
            }
            catch (OperationCanceledException e)
            {
                task.TrySetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                task.TrySetException(e);
            }
        });
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
        awaiter.OnCompleted(() =>
        {
            try
            {
                task.TrySetResult(awaiter.GetResult());
            }
            catch (OperationCanceledException e)
            {
                task.TrySetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                task.TrySetException(e);
            }
        });
        return task.Task;
    }
}
