namespace KataServer.Scheduling.Runtime;

/// <summary>
/// Installed on every operation thread: continuations posted to it (await, Task.Yield, async void, channel
/// completions) become new controlled operations, so nothing escapes to the thread pool.
/// </summary>
internal sealed class ControlledSynchronizationContext(ControlledRuntime runtime) : SynchronizationContext
{
    internal ControlledRuntime Runtime => runtime;

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (ControlledOperation.Current?.Runtime != runtime)
        {
            if (!runtime.IsCanceled)
            {
                runtime.ReportForeignContinuation("A continuation");
            }

            return;
        }

        runtime.CreateOperation(OperationKind.Continuation, () => d(state), null);
    }

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;
}

/// <summary>
/// TaskScheduler.Current inside every operation: tasks queued to it (Task.Run, StartNew, ContinueWith) become
/// controlled operations. Inlining is refused so that every task runs as its own operation.
/// </summary>
internal sealed class ControlledTaskScheduler(ControlledRuntime runtime) : TaskScheduler
{
    [ThreadStatic]
    private static Task? wrapperStarting;

    internal void RunWrapper(Task wrapper)
    {
        wrapperStarting = wrapper;
        wrapper.Start(this);
        TryExecuteTask(wrapper);
    }

    internal void Run(Task task) => TryExecuteTask(task);

    protected override void QueueTask(Task task)
    {
        if (ReferenceEquals(task, wrapperStarting))
        {
            wrapperStarting = null;
            return;
        }

        if (ControlledOperation.Current?.Runtime != runtime)
        {
            if (!runtime.IsCanceled)
            {
                runtime.ReportForeignContinuation("A task");
            }

            return;
        }

        LastQueued = runtime.CreateOperation(OperationKind.Task, null, task);
    }

    /// <summary>The operation created by the last QueueTask (to name it in traces).</summary>
    internal ControlledOperation? LastQueued { get; private set; }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task>? GetScheduledTasks() => null;
}
