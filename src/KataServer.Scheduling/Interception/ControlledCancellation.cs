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

    public static CancellationTokenRegistration Register(ref CancellationToken self, Action callback) =>
        Registrations.Track(self, callback, static (token, run) => token.Register(run));

    public static CancellationTokenRegistration Register(ref CancellationToken self, Action callback, bool useSynchronizationContext) =>
        useSynchronizationContext
            ? Registrations.Track(self, callback, static (token, run) => token.Register(run, true))
            : Registrations.Track(self, callback, static (token, run) => token.Register(run, false));

    public static CancellationTokenRegistration Register(ref CancellationToken self, Action<object?> callback, object? state) =>
        Register(ref self, () => callback(state));

    public static CancellationTokenRegistration Register(ref CancellationToken self, Action<object?> callback, object? state, bool useSynchronizationContext) =>
        Register(ref self, () => callback(state), useSynchronizationContext);

    public static CancellationTokenRegistration Register(ref CancellationToken self, Action<object?, CancellationToken> callback, object? state)
    {
        var token = self;
        return Register(ref self, () => callback(state, token));
    }

    public static CancellationTokenRegistration UnsafeRegister(ref CancellationToken self, Action<object?> callback, object? state) =>
        Registrations.Track(self, () => callback(state), static (token, run) => token.UnsafeRegister(static r => ((Action)r!)(), run));

    public static CancellationTokenRegistration UnsafeRegister(ref CancellationToken self, Action<object?, CancellationToken> callback, object? state)
    {
        var token = self;
        return Registrations.Track(self, () => callback(state, token), static (t, run) => t.UnsafeRegister(static r => ((Action)r!)(), run));
    }
}

/// <summary>
/// Disposing a registration waits until its callback has finished if another thread is running it. The callback runs
/// inside the controlled <c>Cancel</c> and may stop at a scheduling point, so the real Dispose would wait for real (a
/// false hang): under control, registrations made in rewritten code know when their callback runs, and Dispose waits in
/// the scheduler.
/// </summary>
[Intercepts(typeof(CancellationTokenRegistration))]
public static class Registrations
{
    private sealed class Callback
    {
        public ControlledOperation? RunningOn;
    }

    private static readonly object Key = new();

    // Registrations are structs (compared by value): one table per run, not the reference-keyed state of primitives.
    private static Dictionary<CancellationTokenRegistration, Callback> Tracked(ControlledOperation op) =>
        op.Runtime.StateOf(Key, static _ => new Dictionary<CancellationTokenRegistration, Callback>());

    internal static CancellationTokenRegistration Track(CancellationToken token, Action callback, Func<CancellationToken, Action, CancellationTokenRegistration> register)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return register(token, callback);
        }

        var tracked = new Callback();
        var registration = register(token, () =>
        {
            tracked.RunningOn = ControlledOperation.Current;
            try
            {
                callback();
            }
            finally
            {
                tracked.RunningOn = null;
            }
        });
        Tracked(op)[registration] = tracked;
        return registration;
    }

    public static void Dispose(ref CancellationTokenRegistration self)
    {
        WaitForCallback(self);
        self.Dispose();
    }

    public static ValueTask DisposeAsync(ref CancellationTokenRegistration self)
    {
        WaitForCallback(self);
        return self.DisposeAsync();
    }

    private static void WaitForCallback(CancellationTokenRegistration registration)
    {
        var op = ControlledOperation.Current;
        if (op is not null && Tracked(op).TryGetValue(registration, out var tracked) &&
            tracked.RunningOn is { } runner && runner != op)
        {
            op.Runtime.BlockUntil(op, () => tracked.RunningOn is null, "callback", registration);
        }
    }
}
