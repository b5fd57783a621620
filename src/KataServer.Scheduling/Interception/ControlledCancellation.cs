using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>CancellationTokenSource under control: Cancel is a scheduling point (callbacks run inline, as for real); CancelAfter and timed constructors use virtual time.</summary>
[Intercepts(typeof(CancellationTokenSource))]
public static class ControlledCancellationTokenSource
{
    private sealed class PendingTimer
    {
        public bool Superseded;
    }

    public static CancellationTokenSource New(int millisecondsDelay)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return new CancellationTokenSource(millisecondsDelay);
        }

        var cts = new CancellationTokenSource();
        CancelAfter(cts, millisecondsDelay);
        return cts;
    }

    public static CancellationTokenSource New(TimeSpan delay) => New((int)LockModel.ToMs(delay));

    public static void Cancel(CancellationTokenSource self)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, "CancellationTokenSource.Cancel");
        self.Cancel();
    }

    public static void Cancel(CancellationTokenSource self, bool throwOnFirstException)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, "CancellationTokenSource.Cancel");
        self.Cancel(throwOnFirstException);
    }

    public static Task CancelAsync(CancellationTokenSource self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.CancelAsync();
        }

        op.Runtime.SchedulePoint(op, "CancellationTokenSource.CancelAsync");
        try
        {
            self.Cancel();
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    public static void CancelAfter(CancellationTokenSource self, TimeSpan delay) => CancelAfter(self, (int)LockModel.ToMs(delay));

    public static void CancelAfter(CancellationTokenSource self, int millisecondsDelay)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.CancelAfter(millisecondsDelay);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(millisecondsDelay, -1);
        var rt = op.Runtime;
        rt.SchedulePoint(op, "CancellationTokenSource.CancelAfter", detail: millisecondsDelay + " ms");
        var timers = rt.StatesOf<PendingTimer>();
        if (timers.TryGetValue(self, out var previous))
        {
            previous.Superseded = true;
        }

        if (millisecondsDelay < 0 || self.IsCancellationRequested)
        {
            timers.Remove(self);
            return;
        }

        var timer = new PendingTimer();
        timers[self] = timer;
        rt.StartTimer(millisecondsDelay, () =>
        {
            try
            {
                self.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }, () => timer.Superseded || self.IsCancellationRequested);
    }

    public static bool get_IsCancellationRequested(CancellationTokenSource self)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, "CancellationTokenSource.IsCancellationRequested", isYield: true);
        return self.IsCancellationRequested;
    }
}

/// <summary>Polling a token is a (yielding) scheduling point, so cancellation loops can be interleaved.</summary>
[Intercepts(typeof(CancellationToken))]
public static class ControlledCancellationToken
{
    public static bool get_IsCancellationRequested(ref CancellationToken self)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, "CancellationToken.IsCancellationRequested", isYield: true);
        return self.IsCancellationRequested;
    }

    public static void ThrowIfCancellationRequested(ref CancellationToken self)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, "CancellationToken.ThrowIfCancellationRequested", isYield: true);
        self.ThrowIfCancellationRequested();
    }
}
