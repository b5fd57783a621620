using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

// ContinueWith and WaitAsync(timeout) under control: the continuation runs as a controlled operation. A continuation meant for the
// thread pool (TaskScheduler.Default, which is also TaskScheduler.Current in code an await resumed) goes to the
// controlled scheduler instead; a custom scheduler (the learner's own, or a ConcurrentExclusiveSchedulerPair's) is kept.

public static partial class ControlledTask
{
    /// <summary>The scheduler a task meant for <paramref name="requested"/> runs on under control.</summary>
    internal static TaskScheduler SchedulerFor(ControlledOperation op, TaskScheduler requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        return requested == TaskScheduler.Default ? op.Runtime.TaskScheduler : requested;
    }

    internal static Task Continued(ControlledOperation op, Task continuation) => Started(op, continuation, "Task.ContinueWith");

    // WaitAsync with a timeout: the real one waits on a real timer; under control the timeout is virtual time.

    public static Task WaitAsync(Task self, TimeSpan timeout) => WaitAsync(self, timeout, TimeProvider.System, CancellationToken.None);

    public static Task WaitAsync(Task self, TimeSpan timeout, CancellationToken cancellationToken) => WaitAsync(self, timeout, TimeProvider.System, cancellationToken);

    public static Task WaitAsync(Task self, TimeSpan timeout, TimeProvider timeProvider) => WaitAsync(self, timeout, timeProvider, CancellationToken.None);

    public static Task WaitAsync(Task self, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (ControlledOperation.Current is null)
        {
            return self.WaitAsync(timeout, timeProvider, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(self);
        return self.IsCompleted ? self : WaitWithTimeout(self, timeout, timeProvider, cancellationToken);
    }

    /// <summary>Completes like <paramref name="task"/>, or fails with TimeoutException / OperationCanceledException first.</summary>
    internal static async Task WaitWithTimeout(Task task, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Delay(timeout, timeProvider, stop.Token);
        var first = await WhenAny(task, timer);
        if (first == task)
        {
            ControlledCancellationTokenSource.Cancel(stop); // ends the virtual timer
            await task;
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException("The operation has timed out.");
    }

    public static Task ContinueWith(Task self, Action<Task> continuationAction)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task self, Action<Task> continuationAction, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, cancellationToken)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, cancellationToken, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task self, Action<Task> continuationAction, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, scheduler)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task ContinueWith(Task self, Action<Task> continuationAction, TaskContinuationOptions continuationOptions)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, continuationOptions)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, CancellationToken.None, continuationOptions, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task self, Action<Task> continuationAction, CancellationToken cancellationToken, TaskContinuationOptions continuationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, cancellationToken, continuationOptions, scheduler)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, cancellationToken, continuationOptions, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task ContinueWith(Task self, Action<Task, object?> continuationAction, object? state)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task self, Action<Task, object?> continuationAction, object? state, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state, cancellationToken)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, cancellationToken, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task self, Action<Task, object?> continuationAction, object? state, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state, scheduler)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task ContinueWith(Task self, Action<Task, object?> continuationAction, object? state, TaskContinuationOptions continuationOptions)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state, continuationOptions)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, CancellationToken.None, continuationOptions, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task self, Action<Task, object?> continuationAction, object? state, CancellationToken cancellationToken, TaskContinuationOptions continuationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state, cancellationToken, continuationOptions, scheduler)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, cancellationToken, continuationOptions, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, TResult> continuationFunction)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, TResult> continuationFunction, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, cancellationToken)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, cancellationToken, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, TResult> continuationFunction, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, scheduler)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, TResult> continuationFunction, TaskContinuationOptions continuationOptions)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, continuationOptions)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, CancellationToken.None, continuationOptions, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, TResult> continuationFunction, CancellationToken cancellationToken, TaskContinuationOptions continuationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, cancellationToken, continuationOptions, scheduler)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, cancellationToken, continuationOptions, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, object?, TResult> continuationFunction, object? state)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, object?, TResult> continuationFunction, object? state, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state, cancellationToken)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, cancellationToken, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, object?, TResult> continuationFunction, object? state, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state, scheduler)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, object?, TResult> continuationFunction, object? state, TaskContinuationOptions continuationOptions)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state, continuationOptions)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, CancellationToken.None, continuationOptions, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TResult> ContinueWith<TResult>(Task self, Func<Task, object?, TResult> continuationFunction, object? state, CancellationToken cancellationToken, TaskContinuationOptions continuationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state, cancellationToken, continuationOptions, scheduler)
            : (Task<TResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, cancellationToken, continuationOptions, ControlledTask.SchedulerFor(op, scheduler)));
    }
}

public static partial class ControlledTask<TResult>
{
    public static Task<TResult> WaitAsync(Task<TResult> self, TimeSpan timeout) => WaitAsync(self, timeout, TimeProvider.System, CancellationToken.None);

    public static Task<TResult> WaitAsync(Task<TResult> self, TimeSpan timeout, CancellationToken cancellationToken) => WaitAsync(self, timeout, TimeProvider.System, cancellationToken);

    public static Task<TResult> WaitAsync(Task<TResult> self, TimeSpan timeout, TimeProvider timeProvider) => WaitAsync(self, timeout, timeProvider, CancellationToken.None);

    public static Task<TResult> WaitAsync(Task<TResult> self, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (ControlledOperation.Current is null)
        {
            return self.WaitAsync(timeout, timeProvider, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(self);
        return self.IsCompleted ? self : Wait(self, timeout, timeProvider, cancellationToken);

        static async Task<TResult> Wait(Task<TResult> task, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
        {
            await ControlledTask.WaitWithTimeout(task, timeout, timeProvider, cancellationToken);
            return task.Result;
        }
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>> continuationAction)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>> continuationAction, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, cancellationToken)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, cancellationToken, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>> continuationAction, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, scheduler)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>> continuationAction, TaskContinuationOptions continuationOptions)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, continuationOptions)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, CancellationToken.None, continuationOptions, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>> continuationAction, CancellationToken cancellationToken, TaskContinuationOptions continuationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, cancellationToken, continuationOptions, scheduler)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, cancellationToken, continuationOptions, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>, object?> continuationAction, object? state)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>, object?> continuationAction, object? state, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state, cancellationToken)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, cancellationToken, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>, object?> continuationAction, object? state, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state, scheduler)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>, object?> continuationAction, object? state, TaskContinuationOptions continuationOptions)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state, continuationOptions)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, CancellationToken.None, continuationOptions, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task ContinueWith(Task<TResult> self, Action<Task<TResult>, object?> continuationAction, object? state, CancellationToken cancellationToken, TaskContinuationOptions continuationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationAction, state, cancellationToken, continuationOptions, scheduler)
            : ControlledTask.Continued(op, self.ContinueWith(continuationAction, state, cancellationToken, continuationOptions, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, TNewResult> continuationFunction)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, TNewResult> continuationFunction, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, cancellationToken)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, cancellationToken, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, TNewResult> continuationFunction, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, scheduler)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, TNewResult> continuationFunction, TaskContinuationOptions continuationOptions)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, continuationOptions)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, CancellationToken.None, continuationOptions, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, TNewResult> continuationFunction, CancellationToken cancellationToken, TaskContinuationOptions continuationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, cancellationToken, continuationOptions, scheduler)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, cancellationToken, continuationOptions, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, object?, TNewResult> continuationFunction, object? state)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, object?, TNewResult> continuationFunction, object? state, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state, cancellationToken)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, cancellationToken, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, object?, TNewResult> continuationFunction, object? state, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state, scheduler)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, CancellationToken.None, TaskContinuationOptions.None, ControlledTask.SchedulerFor(op, scheduler)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, object?, TNewResult> continuationFunction, object? state, TaskContinuationOptions continuationOptions)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state, continuationOptions)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, CancellationToken.None, continuationOptions, ControlledTask.SchedulerFor(op, TaskScheduler.Current)));
    }

    public static Task<TNewResult> ContinueWith<TNewResult>(Task<TResult> self, Func<Task<TResult>, object?, TNewResult> continuationFunction, object? state, CancellationToken cancellationToken, TaskContinuationOptions continuationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        return op is null
            ? self.ContinueWith(continuationFunction, state, cancellationToken, continuationOptions, scheduler)
            : (Task<TNewResult>)ControlledTask.Continued(op, self.ContinueWith(continuationFunction, state, cancellationToken, continuationOptions, ControlledTask.SchedulerFor(op, scheduler)));
    }
}

/// <summary>
/// ConcurrentExclusiveSchedulerPair under control: made over the controlled scheduler instead of the thread pool,
/// so its exclusive and concurrent schedulers keep their rules while everything they run is a controlled operation.
/// Its Completion is a controlled task too (the real one is completed from the thread pool): it completes once
/// Complete was called and the pair has nothing left to run.
/// </summary>
[Intercepts(typeof(ConcurrentExclusiveSchedulerPair))]
public static class ControlledConcurrentExclusiveSchedulerPair
{
    private sealed class State
    {
        public Task? Completion;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_ReadyToComplete")]
    private static extern bool ReadyToComplete(ConcurrentExclusiveSchedulerPair pair);

    public static Task get_Completion(ConcurrentExclusiveSchedulerPair self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Completion;
        }

        ArgumentNullException.ThrowIfNull(self);
        var states = op.Runtime.StatesOf<State>();
        if (!states.TryGetValue(self, out var state))
        {
            var done = new TaskCompletionSource();
            state = new State { Completion = done.Task };
            states[self] = state;
            op.Runtime.Spawn(() =>
            {
                var watcher = ControlledOperation.Current!;
                watcher.Runtime.BlockUntil(watcher, () => ReadyToComplete(self), "scheduler pair", self);
                done.TrySetResult();
            }, "pair completion");
        }

        return state.Completion!;
    }

    public static ConcurrentExclusiveSchedulerPair New() => New(TaskScheduler.Default);

    public static ConcurrentExclusiveSchedulerPair New(TaskScheduler taskScheduler) => New(taskScheduler, -1);

    public static ConcurrentExclusiveSchedulerPair New(TaskScheduler taskScheduler, int maxConcurrencyLevel) => New(taskScheduler, maxConcurrencyLevel, -1);

    public static ConcurrentExclusiveSchedulerPair New(TaskScheduler taskScheduler, int maxConcurrencyLevel, int maxItemsPerTask)
    {
        var op = ControlledOperation.Current;
        return new ConcurrentExclusiveSchedulerPair(op is null ? taskScheduler : ControlledTask.SchedulerFor(op, taskScheduler), maxConcurrencyLevel, maxItemsPerTask);
    }
}
