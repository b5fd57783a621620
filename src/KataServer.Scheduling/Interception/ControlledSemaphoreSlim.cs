using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// SemaphoreSlim under control. The controlled count starts from the real instance's count (the real instance is
/// never modified during a controlled run). Sync waiters take a released count in any explored order; async
/// waiters are served FIFO with the count left over beyond blocked sync waiters, like the real implementation.
/// </summary>
[Intercepts(typeof(SemaphoreSlim))]
public static class ControlledSemaphoreSlim
{
    public static WaitHandle get_AvailableWaitHandle(SemaphoreSlim self) => UnmodelledHandles.Of(self, static s => s.AvailableWaitHandle, "SemaphoreSlim.AvailableWaitHandle");

    private sealed class State
    {
        public int Count;
        public int Max;
        public int SyncWaiters;
        public readonly LinkedList<TaskCompletionSource<bool>> AsyncWaiters = new();
        public Func<bool>? Available;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_maxCount")]
    private static extern ref int MaxCount(SemaphoreSlim s);

    private static State Get(ControlledOperation op, SemaphoreSlim self)
    {
        ArgumentNullException.ThrowIfNull(self);
        var table = op.Runtime.StatesOf<State>();
        if (!table.TryGetValue(self, out var s))
        {
            s = new State { Count = self.CurrentCount, Max = MaxCount(self) };
            var captured = s;
            s.Available = () => captured.Count > 0;
            table[self] = s;
        }

        return s;
    }

    public static SemaphoreSlim New(int initialCount) => new(initialCount);

    public static SemaphoreSlim New(int initialCount, int maxCount) => new(initialCount, maxCount);

    public static int get_CurrentCount(SemaphoreSlim self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.CurrentCount;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "SemaphoreSlim.CurrentCount", self, "semaphore", isYield: true);
        return s.Count;
    }

    public static void Wait(SemaphoreSlim self) => WaitCore(self, Timeout.Infinite, default);

    public static bool Wait(SemaphoreSlim self, int millisecondsTimeout) => WaitCore(self, LockModel.ToMs(millisecondsTimeout), default);

    public static bool Wait(SemaphoreSlim self, TimeSpan timeout) => WaitCore(self, LockModel.ToMs(timeout), default);

    public static void Wait(SemaphoreSlim self, CancellationToken cancellationToken) => WaitCore(self, Timeout.Infinite, cancellationToken);

    public static bool Wait(SemaphoreSlim self, int millisecondsTimeout, CancellationToken cancellationToken) => WaitCore(self, LockModel.ToMs(millisecondsTimeout), cancellationToken);

    public static bool Wait(SemaphoreSlim self, TimeSpan timeout, CancellationToken cancellationToken) => WaitCore(self, LockModel.ToMs(timeout), cancellationToken);

    private static bool WaitCore(SemaphoreSlim self, long timeoutMs, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Wait((int)timeoutMs, ct);
        }

        var s = Get(op, self);
        var rt = op.Runtime;
        rt.SchedulePoint(op, "SemaphoreSlim.Wait", self, "semaphore");
        ct.ThrowIfCancellationRequested();
        if (s.Count == 0)
        {
            s.SyncWaiters++;
            try
            {
                Func<bool> ready = ct.CanBeCanceled ? () => s.Count > 0 || ct.IsCancellationRequested : s.Available!;
                if (!rt.BlockUntil(op, ready, "semaphore", self, timeoutMs))
                {
                    return false;
                }
            }
            finally
            {
                s.SyncWaiters--;
            }

            if (s.Count == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }

        s.Count--;
        return true;
    }

    public static Task WaitAsync(SemaphoreSlim self) => WaitAsyncCore(self, Timeout.Infinite, default);

    public static Task WaitAsync(SemaphoreSlim self, CancellationToken cancellationToken) => WaitAsyncCore(self, Timeout.Infinite, cancellationToken);

    public static Task<bool> WaitAsync(SemaphoreSlim self, int millisecondsTimeout) => WaitAsyncCore(self, LockModel.ToMs(millisecondsTimeout), default);

    public static Task<bool> WaitAsync(SemaphoreSlim self, TimeSpan timeout) => WaitAsyncCore(self, LockModel.ToMs(timeout), default);

    public static Task<bool> WaitAsync(SemaphoreSlim self, int millisecondsTimeout, CancellationToken cancellationToken) => WaitAsyncCore(self, LockModel.ToMs(millisecondsTimeout), cancellationToken);

    public static Task<bool> WaitAsync(SemaphoreSlim self, TimeSpan timeout, CancellationToken cancellationToken) => WaitAsyncCore(self, LockModel.ToMs(timeout), cancellationToken);

    private static Task<bool> WaitAsyncCore(SemaphoreSlim self, long timeoutMs, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.WaitAsync((int)timeoutMs, ct);
        }

        var s = Get(op, self);
        var rt = op.Runtime;
        rt.SchedulePoint(op, "SemaphoreSlim.WaitAsync", self, "semaphore");
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(ct);
        }

        if (s.Count > 0)
        {
            s.Count--;
            return Task.FromResult(true);
        }

        if (timeoutMs == 0)
        {
            return Task.FromResult(false);
        }

        var tcs = new TaskCompletionSource<bool>();
        var node = s.AsyncWaiters.AddLast(tcs);
        if (ct.CanBeCanceled)
        {
            var registration = ct.Register(() =>
            {
                if (node.List is not null)
                {
                    s.AsyncWaiters.Remove(node);
                    tcs.TrySetCanceled(ct);
                }
            });
            tcs.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        if (timeoutMs > 0)
        {
            rt.StartTimer(timeoutMs, () =>
            {
                if (node.List is not null)
                {
                    s.AsyncWaiters.Remove(node);
                    tcs.TrySetResult(false);
                }
            }, () => tcs.Task.IsCompleted);
        }

        return tcs.Task;
    }

    public static int Release(SemaphoreSlim self) => Release(self, 1);

    public static int Release(SemaphoreSlim self, int releaseCount)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Release(releaseCount);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(releaseCount, 1);
        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "SemaphoreSlim.Release", self, "semaphore");
        if (s.Max - s.Count < releaseCount)
        {
            throw new SemaphoreFullException();
        }

        int previous = s.Count;
        s.Count += releaseCount;
        while (s.AsyncWaiters.First is { } first && s.Count > s.SyncWaiters)
        {
            s.AsyncWaiters.RemoveFirst();
            if (!first.Value.Task.IsCompleted)
            {
                // Like the real semaphore (RunContinuationsAsynchronously), the waiter resumes in its own operation.
                s.Count--;
                var waiter = first.Value;
                op.Runtime.Spawn(() => waiter.TrySetResult(true));
            }
        }

        return previous;
    }
}
