using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Task APIs under control. Task.Run queues to the controlled TaskScheduler (each task is an operation); blocking
/// waits (Wait, Result, GetResult, WaitAll, WaitAny) block in the scheduler; Delay uses virtual time;
/// ConfigureAwait(false) is ignored so continuations stay on the controlled SynchronizationContext.
/// </summary>
[Intercepts(typeof(Task))]
public static partial class ControlledTask
{
    internal static Task Started(ControlledOperation op, Task task, string verb)
    {
        var queued = op.Runtime.TaskScheduler.LastQueued;
        op.Runtime.SchedulePoint(op, verb, queued is not null && queued.TaskToRun == task ? queued : null, alreadyDone: true);
        return task;
    }

    public static Task Run(Action action) => Run(action, CancellationToken.None);

    public static Task Run(Action action, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.Run(action, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(action);
        return Started(op, Task.Factory.StartNew(action, cancellationToken, TaskCreationOptions.DenyChildAttach, op.Runtime.TaskScheduler), "Task.Run");
    }

    public static Task<TResult> Run<TResult>(Func<TResult> function) => Run(function, CancellationToken.None);

    public static Task<TResult> Run<TResult>(Func<TResult> function, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.Run(function, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(function);
        return (Task<TResult>)Started(op, Task.Factory.StartNew(function, cancellationToken, TaskCreationOptions.DenyChildAttach, op.Runtime.TaskScheduler), "Task.Run");
    }

    public static Task Run(Func<Task?> function) => Run(function, CancellationToken.None);

    public static Task Run(Func<Task?> function, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.Run(function, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(function);
        var outer = (Task<Task>)(object)Task.Factory.StartNew(function, cancellationToken, TaskCreationOptions.DenyChildAttach, op.Runtime.TaskScheduler);
        Started(op, outer, "Task.Run");
        return outer.Unwrap();
    }

    public static Task<TResult> Run<TResult>(Func<Task<TResult>?> function) => Run(function, CancellationToken.None);

    public static Task<TResult> Run<TResult>(Func<Task<TResult>?> function, CancellationToken cancellationToken)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.Run(function, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(function);
        var outer = (Task<Task<TResult>>)(object)Task.Factory.StartNew(function, cancellationToken, TaskCreationOptions.DenyChildAttach, op.Runtime.TaskScheduler);
        Started(op, outer, "Task.Run");
        return outer.Unwrap();
    }

    internal static bool BlockOn(ControlledOperation op, Task task, string verb, long timeoutMs, CancellationToken ct = default)
    {
        op.Runtime.SchedulePoint(op, verb);
        if (task.IsCompleted)
        {
            return true;
        }

        return WaitHelpers.Block(op, () => task.IsCompleted, "task", task, timeoutMs, ct);
    }

    public static void Wait(Task self)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            ArgumentNullException.ThrowIfNull(self);
            BlockOn(op, self, "Task.Wait", Timeout.Infinite);
        }

        self.Wait();
    }

    public static bool Wait(Task self, int millisecondsTimeout) => WaitCore(self, LockModel.ToMs(millisecondsTimeout), default);

    public static bool Wait(Task self, TimeSpan timeout) => WaitCore(self, LockModel.ToMs(timeout), default);

    public static void Wait(Task self, CancellationToken cancellationToken) => WaitCore(self, Timeout.Infinite, cancellationToken);

    public static bool Wait(Task self, int millisecondsTimeout, CancellationToken cancellationToken) => WaitCore(self, LockModel.ToMs(millisecondsTimeout), cancellationToken);

    public static bool Wait(Task self, TimeSpan timeout, CancellationToken cancellationToken) => WaitCore(self, LockModel.ToMs(timeout), cancellationToken);

    private static bool WaitCore(Task self, long timeoutMs, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Wait((int)timeoutMs, ct);
        }

        ArgumentNullException.ThrowIfNull(self);
        if (!BlockOn(op, self, "Task.Wait", timeoutMs, ct))
        {
            return false;
        }

        return self.Wait(0, CancellationToken.None);
    }

    public static void WaitAll(params Task[] tasks) => WaitAllCore(tasks, Timeout.Infinite, default);

    public static void WaitAll(params ReadOnlySpan<Task> tasks) => WaitAllCore(tasks.ToArray(), Timeout.Infinite, default);

    public static void WaitAll(IEnumerable<Task> tasks, CancellationToken cancellationToken) => WaitAllCore(tasks.ToArray(), Timeout.Infinite, cancellationToken);

    public static bool WaitAll(Task[] tasks, int millisecondsTimeout) => WaitAllCore(tasks, LockModel.ToMs(millisecondsTimeout), default);

    public static bool WaitAll(Task[] tasks, TimeSpan timeout) => WaitAllCore(tasks, LockModel.ToMs(timeout), default);

    public static void WaitAll(Task[] tasks, CancellationToken cancellationToken) => WaitAllCore(tasks, Timeout.Infinite, cancellationToken);

    public static bool WaitAll(Task[] tasks, int millisecondsTimeout, CancellationToken cancellationToken) => WaitAllCore(tasks, LockModel.ToMs(millisecondsTimeout), cancellationToken);

    private static bool WaitAllCore(Task[] tasks, long timeoutMs, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.WaitAll(tasks, (int)timeoutMs, ct);
        }

        ArgumentNullException.ThrowIfNull(tasks);
        op.Runtime.SchedulePoint(op, "Task.WaitAll");
        if (!WaitHelpers.Block(op, () => Array.TrueForAll(tasks, t => t.IsCompleted), "task", tasks.FirstOrDefault(t => !t.IsCompleted) ?? (object)tasks, timeoutMs, ct))
        {
            return false;
        }

        return Task.WaitAll(tasks, 0, CancellationToken.None);
    }

    public static int WaitAny(params Task[] tasks) => WaitAnyCore(tasks, Timeout.Infinite, default);

    public static int WaitAny(Task[] tasks, int millisecondsTimeout) => WaitAnyCore(tasks, LockModel.ToMs(millisecondsTimeout), default);

    public static int WaitAny(Task[] tasks, TimeSpan timeout) => WaitAnyCore(tasks, LockModel.ToMs(timeout), default);

    public static int WaitAny(Task[] tasks, CancellationToken cancellationToken) => WaitAnyCore(tasks, Timeout.Infinite, cancellationToken);

    public static int WaitAny(Task[] tasks, int millisecondsTimeout, CancellationToken cancellationToken) => WaitAnyCore(tasks, LockModel.ToMs(millisecondsTimeout), cancellationToken);

    private static int WaitAnyCore(Task[] tasks, long timeoutMs, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.WaitAny(tasks, (int)timeoutMs, ct);
        }

        ArgumentNullException.ThrowIfNull(tasks);
        op.Runtime.SchedulePoint(op, "Task.WaitAny");
        if (!WaitHelpers.Block(op, () => Array.Exists(tasks, t => t.IsCompleted), "task", tasks.Length > 0 ? tasks[0] : tasks, timeoutMs, ct))
        {
            return -1;
        }

        return Array.FindIndex(tasks, t => t.IsCompleted);
    }

    public static Task Delay(int millisecondsDelay) => DelayCore(LockModel.ToMs(millisecondsDelay), default);

    public static Task Delay(TimeSpan delay) => DelayCore(LockModel.ToMs(delay), default);

    public static Task Delay(int millisecondsDelay, CancellationToken cancellationToken) => DelayCore(LockModel.ToMs(millisecondsDelay), cancellationToken);

    public static Task Delay(TimeSpan delay, CancellationToken cancellationToken) => DelayCore(LockModel.ToMs(delay), cancellationToken);

    public static Task Delay(TimeSpan delay, TimeProvider timeProvider) => Delay(delay, timeProvider, CancellationToken.None);

    public static Task Delay(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (ControlledOperation.Current is null || (timeProvider != TimeProvider.System && timeProvider is not ControlledTimeProvider))
        {
            return Task.Delay(delay, timeProvider, cancellationToken);
        }

        return DelayCore(LockModel.ToMs(delay), cancellationToken);
    }

    private static Task DelayCore(long ms, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.Delay((int)ms, ct);
        }

        var rt = op.Runtime;
        rt.SchedulePoint(op, "Task.Delay", detail: ms + " ms");
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled(ct);
        }

        if (ms == 0)
        {
            return Task.CompletedTask;
        }

        var tcs = new TaskCompletionSource();
        if (ct.CanBeCanceled)
        {
            var registration = ct.Register(() => tcs.TrySetCanceled(ct));
            tcs.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        if (ms > 0)
        {
            rt.StartTimer(ms, () => tcs.TrySetResult(), () => tcs.Task.IsCompleted);
        }

        return tcs.Task;
    }

    /// <summary>
    /// WhenAll/WhenAny complete their promise from an operation that waits for the inputs: the real ones may complete
    /// on the thread pool when an input was created with RunContinuationsAsynchronously.
    /// </summary>
    private static Task<T> Combine<T>(ControlledOperation op, string verb, Task[] tasks, bool any, Func<T> complete)
    {
        op.Runtime.SchedulePoint(op, verb);
        if (any ? Array.Exists(tasks, t => t.IsCompleted) : Array.TrueForAll(tasks, t => t.IsCompleted))
        {
            return Task.FromResult(complete());
        }

        return Task.Factory.StartNew(() =>
        {
            var self = ControlledOperation.Current!;
            Func<bool> ready = any ? () => Array.Exists(tasks, t => t.IsCompleted) : () => Array.TrueForAll(tasks, t => t.IsCompleted);
            self.Runtime.BlockUntil(self, ready, "task", Array.Find(tasks, t => !t.IsCompleted) ?? (object)tasks);
            return complete();
        }, CancellationToken.None, TaskCreationOptions.DenyChildAttach, op.Runtime.TaskScheduler);
    }

    private static Task<Task> Flatten(Task<Task> t) => t;

    public static Task WhenAll(params Task[] tasks)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.WhenAll(tasks);
        }

        ArgumentNullException.ThrowIfNull(tasks);
        var copy = tasks.ToArray();
        return Flatten(Combine(op, "Task.WhenAll", copy, false, () => Task.WhenAll(copy))).Unwrap();
    }

    public static Task WhenAll(IEnumerable<Task> tasks) => WhenAll(tasks.ToArray());

    public static Task WhenAll(params ReadOnlySpan<Task> tasks) => WhenAll(tasks.ToArray());

    public static Task<TResult[]> WhenAll<TResult>(params Task<TResult>[] tasks)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.WhenAll(tasks);
        }

        ArgumentNullException.ThrowIfNull(tasks);
        var copy = tasks.ToArray();
        return Combine(op, "Task.WhenAll", copy, false, () => Task.WhenAll(copy)).Unwrap();
    }

    public static Task<TResult[]> WhenAll<TResult>(IEnumerable<Task<TResult>> tasks) => WhenAll(tasks.ToArray());

    public static Task<TResult[]> WhenAll<TResult>(params ReadOnlySpan<Task<TResult>> tasks) => WhenAll(tasks.ToArray());

    public static Task<Task> WhenAny(params Task[] tasks)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.WhenAny(tasks);
        }

        ArgumentNullException.ThrowIfNull(tasks);
        var copy = tasks.ToArray();
        return Combine(op, "Task.WhenAny", copy, true, () => Array.Find(copy, t => t.IsCompleted)!);
    }

    public static Task<Task> WhenAny(Task task1, Task task2) => WhenAny([task1, task2]);

    public static Task<Task> WhenAny(IEnumerable<Task> tasks) => WhenAny(tasks.ToArray());

    public static Task<Task> WhenAny(params ReadOnlySpan<Task> tasks) => WhenAny(tasks.ToArray());

    public static Task<Task<TResult>> WhenAny<TResult>(params Task<TResult>[] tasks)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Task.WhenAny(tasks);
        }

        ArgumentNullException.ThrowIfNull(tasks);
        var copy = tasks.ToArray();
        return Combine(op, "Task.WhenAny", copy, true, () => Array.Find(copy, t => t.IsCompleted)!);
    }

    public static Task<Task<TResult>> WhenAny<TResult>(Task<TResult> task1, Task<TResult> task2) => WhenAny([task1, task2]);

    public static Task<Task<TResult>> WhenAny<TResult>(IEnumerable<Task<TResult>> tasks) => WhenAny(tasks.ToArray());

    public static Task<Task<TResult>> WhenAny<TResult>(params ReadOnlySpan<Task<TResult>> tasks) => WhenAny(tasks.ToArray());

    public static ConfiguredTaskAwaitable ConfigureAwait(Task self, bool continueOnCapturedContext) =>
        self.ConfigureAwait(continueOnCapturedContext || ControlledOperation.Current is not null);

    public static ConfiguredTaskAwaitable ConfigureAwait(Task self, ConfigureAwaitOptions options) =>
        self.ConfigureAwait(ControlledOperation.Current is not null ? options | ConfigureAwaitOptions.ContinueOnCapturedContext : options);

    private static void Poll(string verb)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, verb, isYield: true);
    }

    /// <summary>Polling a task's state is a yielding scheduling point, so `while (!t.IsCompleted)` loops progress.</summary>
    public static bool get_IsCompleted(Task self)
    {
        Poll("Task.IsCompleted");
        return self.IsCompleted;
    }

    public static bool get_IsCompletedSuccessfully(Task self)
    {
        Poll("Task.IsCompletedSuccessfully");
        return self.IsCompletedSuccessfully;
    }

    public static bool get_IsFaulted(Task self)
    {
        Poll("Task.IsFaulted");
        return self.IsFaulted;
    }

    public static bool get_IsCanceled(Task self)
    {
        Poll("Task.IsCanceled");
        return self.IsCanceled;
    }

    public static TaskStatus get_Status(Task self)
    {
        Poll("Task.Status");
        return self.Status;
    }

    public static void RunSynchronously(Task self)
    {
        if (ControlledOperation.Current is null)
        {
            self.RunSynchronously();
            return;
        }

        self.RunSynchronously(TaskScheduler.Default);
    }

    public static void Start(Task self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Start();
            return;
        }

        self.Start(op.Runtime.TaskScheduler);
        Started(op, self, "Task.Start");
    }
}

/// <summary>Task&lt;T&gt; members under control.</summary>
[Intercepts(typeof(Task<>))]
public static partial class ControlledTask<TResult>
{
    public static TResult get_Result(Task<TResult> self)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            ArgumentNullException.ThrowIfNull(self);
            ControlledTask.BlockOn(op, self, "Task.Result", Timeout.Infinite);
        }

        return self.Result;
    }

    public static ConfiguredTaskAwaitable<TResult> ConfigureAwait(Task<TResult> self, bool continueOnCapturedContext) =>
        self.ConfigureAwait(continueOnCapturedContext || ControlledOperation.Current is not null);

    public static ConfiguredTaskAwaitable<TResult> ConfigureAwait(Task<TResult> self, ConfigureAwaitOptions options) =>
        self.ConfigureAwait(ControlledOperation.Current is not null ? options | ConfigureAwaitOptions.ContinueOnCapturedContext : options);
}

/// <summary>task.GetAwaiter().GetResult() blocks in the scheduler.</summary>
[Intercepts(typeof(TaskAwaiter))]
public static class ControlledTaskAwaiter
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_task")]
    private static extern ref Task TaskOf(ref TaskAwaiter awaiter);

    public static void GetResult(ref TaskAwaiter self)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            var task = TaskOf(ref self);
            if (!task.IsCompleted)
            {
                ControlledTask.BlockOn(op, task, "GetResult", Timeout.Infinite);
            }
        }

        self.GetResult();
    }
}

[Intercepts(typeof(TaskAwaiter<>))]
public static class ControlledTaskAwaiter<TResult>
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_task")]
    private static extern ref Task<TResult> TaskOf(ref TaskAwaiter<TResult> awaiter);

    public static TResult GetResult(ref TaskAwaiter<TResult> self)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            var task = TaskOf(ref self);
            if (!task.IsCompleted)
            {
                ControlledTask.BlockOn(op, task, "GetResult", Timeout.Infinite);
            }
        }

        return self.GetResult();
    }
}

/// <summary>Task.Factory.StartNew under control: the factory's defaults as for real; work meant for the thread pool goes to the controlled scheduler, a custom scheduler is kept.</summary>
[Intercepts(typeof(TaskFactory))]
public static class ControlledTaskFactory
{
    public static Task StartNew(TaskFactory self, Action action) => StartNew(self, action, self.CancellationToken, self.CreationOptions, self.Scheduler ?? TaskScheduler.Current);

    public static Task StartNew(TaskFactory self, Action action, CancellationToken cancellationToken) => StartNew(self, action, cancellationToken, self.CreationOptions, self.Scheduler ?? TaskScheduler.Current);

    public static Task StartNew(TaskFactory self, Action action, TaskCreationOptions creationOptions) => StartNew(self, action, self.CancellationToken, creationOptions, self.Scheduler ?? TaskScheduler.Current);

    public static Task StartNew(TaskFactory self, Action action, CancellationToken cancellationToken, TaskCreationOptions creationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.StartNew(action, cancellationToken, creationOptions, scheduler);
        }

        return ControlledTask.Started(op, self.StartNew(action, cancellationToken, creationOptions, ControlledTask.SchedulerFor(op, scheduler)), "Task.Factory.StartNew");
    }

    public static Task StartNew(TaskFactory self, Action<object?> action, object? state) => StartNew(self, action, state, self.CancellationToken, self.CreationOptions, self.Scheduler ?? TaskScheduler.Current);

    public static Task StartNew(TaskFactory self, Action<object?> action, object? state, CancellationToken cancellationToken, TaskCreationOptions creationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.StartNew(action, state, cancellationToken, creationOptions, scheduler);
        }

        return ControlledTask.Started(op, self.StartNew(action, state, cancellationToken, creationOptions, ControlledTask.SchedulerFor(op, scheduler)), "Task.Factory.StartNew");
    }

    public static Task<TResult> StartNew<TResult>(TaskFactory self, Func<TResult> function) => StartNew(self, function, self.CancellationToken, self.CreationOptions, self.Scheduler ?? TaskScheduler.Current);

    public static Task<TResult> StartNew<TResult>(TaskFactory self, Func<TResult> function, CancellationToken cancellationToken) => StartNew(self, function, cancellationToken, self.CreationOptions, self.Scheduler ?? TaskScheduler.Current);

    public static Task<TResult> StartNew<TResult>(TaskFactory self, Func<TResult> function, TaskCreationOptions creationOptions) => StartNew(self, function, self.CancellationToken, creationOptions, self.Scheduler ?? TaskScheduler.Current);

    public static Task<TResult> StartNew<TResult>(TaskFactory self, Func<TResult> function, CancellationToken cancellationToken, TaskCreationOptions creationOptions, TaskScheduler scheduler)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.StartNew(function, cancellationToken, creationOptions, scheduler);
        }

        return (Task<TResult>)ControlledTask.Started(op, self.StartNew(function, cancellationToken, creationOptions, ControlledTask.SchedulerFor(op, scheduler)), "Task.Factory.StartNew");
    }
}

/// <summary>Completing a TaskCompletionSource is a scheduling point (continuations may run inline, as on real threads).</summary>
[Intercepts(typeof(TaskCompletionSource<>))]
public static class ControlledTaskCompletionSource<TResult>
{
    private static void Point(string verb)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, verb);
    }

    public static void SetResult(TaskCompletionSource<TResult> self, TResult result)
    {
        Point("TaskCompletionSource.SetResult");
        self.SetResult(result);
    }

    public static bool TrySetResult(TaskCompletionSource<TResult> self, TResult result)
    {
        Point("TaskCompletionSource.TrySetResult");
        return self.TrySetResult(result);
    }

    public static void SetException(TaskCompletionSource<TResult> self, Exception exception)
    {
        Point("TaskCompletionSource.SetException");
        self.SetException(exception);
    }

    public static bool TrySetException(TaskCompletionSource<TResult> self, Exception exception)
    {
        Point("TaskCompletionSource.TrySetException");
        return self.TrySetException(exception);
    }

    public static void SetCanceled(TaskCompletionSource<TResult> self)
    {
        Point("TaskCompletionSource.SetCanceled");
        self.SetCanceled();
    }

    public static bool TrySetCanceled(TaskCompletionSource<TResult> self)
    {
        Point("TaskCompletionSource.TrySetCanceled");
        return self.TrySetCanceled();
    }
}

[Intercepts(typeof(TaskCompletionSource))]
public static class ControlledTaskCompletionSource
{
    private static void Point(string verb)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, verb);
    }

    public static void SetResult(TaskCompletionSource self)
    {
        Point("TaskCompletionSource.SetResult");
        self.SetResult();
    }

    public static bool TrySetResult(TaskCompletionSource self)
    {
        Point("TaskCompletionSource.TrySetResult");
        return self.TrySetResult();
    }

    public static void SetException(TaskCompletionSource self, Exception exception)
    {
        Point("TaskCompletionSource.SetException");
        self.SetException(exception);
    }

    public static void SetCanceled(TaskCompletionSource self)
    {
        Point("TaskCompletionSource.SetCanceled");
        self.SetCanceled();
    }

    public static bool TrySetCanceled(TaskCompletionSource self)
    {
        Point("TaskCompletionSource.TrySetCanceled");
        return self.TrySetCanceled();
    }
}

/// <summary>task.ConfigureAwait(...).GetAwaiter().GetResult() blocks in the scheduler (sync-over-async).</summary>
[Intercepts(typeof(ConfiguredTaskAwaitable.ConfiguredTaskAwaiter))]
public static class ControlledConfiguredTaskAwaiter
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_task")]
    private static extern ref Task TaskOf(ref ConfiguredTaskAwaitable.ConfiguredTaskAwaiter awaiter);

    public static void GetResult(ref ConfiguredTaskAwaitable.ConfiguredTaskAwaiter self)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            var task = TaskOf(ref self);
            if (!task.IsCompleted)
            {
                ControlledTask.BlockOn(op, task, "GetResult", Timeout.Infinite);
            }
        }

        self.GetResult();
    }
}

[Intercepts(typeof(ConfiguredTaskAwaitable<>.ConfiguredTaskAwaiter))]
public static class ControlledConfiguredTaskAwaiter<TResult>
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_task")]
    private static extern ref Task<TResult> TaskOf(ref ConfiguredTaskAwaitable<TResult>.ConfiguredTaskAwaiter awaiter);

    public static TResult GetResult(ref ConfiguredTaskAwaitable<TResult>.ConfiguredTaskAwaiter self)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            var task = TaskOf(ref self);
            if (!task.IsCompleted)
            {
                ControlledTask.BlockOn(op, task, "GetResult", Timeout.Infinite);
            }
        }

        return self.GetResult();
    }
}
