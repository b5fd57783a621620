using System.Diagnostics;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Virtual clocks: virtual time starts at the run's <see cref="ClockEpoch"/> and moves on when every operation waits
/// (to the earliest deadline) and, a little, with the work done (<see cref="ControlledRuntime.Charge"/>): each read
/// takes some tens of nanoseconds, so a clock read twice around busy work never stands still. Local time is local, as it is for real.
/// </summary>
internal static class VirtualClock
{
    private const long NsPerTick = 100;

    internal static long Timestamp(ControlledRuntime rt) =>
        rt.Epoch.Timestamp + (long)((Int128)rt.ReadClock() * Stopwatch.Frequency / 1_000_000_000);

    internal static DateTimeOffset UtcNow(ControlledRuntime rt) => new(rt.Epoch.UtcTicks + (rt.ReadClock() / NsPerTick), TimeSpan.Zero);

    internal static DateTimeOffset Now(ControlledRuntime rt) => UtcNow(rt).ToLocalTime();

    internal static long TickCount64(ControlledRuntime rt) => rt.Epoch.TickCount64 + (rt.ReadClock() / ControlledRuntime.NsPerMs);

    /// <summary>Runs <paramref name="callback"/> after <paramref name="dueMs"/> then every <paramref name="periodMs"/> (if positive) until <paramref name="stop"/>.</summary>
    internal static void StartPeriodic(ControlledRuntime rt, long dueMs, long periodMs, Func<bool> stop, Action callback, string name)
    {
        if (dueMs < 0)
        {
            return;
        }

        ControlledOperation? timerOp = null;
        timerOp = rt.CreateOperation(OperationKind.Timer, () =>
        {
            var self = timerOp!;
            long wait = dueMs;
            while (true)
            {
                if (rt.BlockUntil(self, stop, "time", null, Math.Max(wait, 1)) || stop())
                {
                    return;
                }

                rt.SchedulePoint(self, name + " fires");
                callback();
                if (periodMs <= 0)
                {
                    return;
                }

                wait = periodMs;
            }
        }, null);
    }
}

/// <summary>System.Threading.Timer under control: fires in virtual time on a background timer operation (callbacks of one timer do not overlap).</summary>
[Intercepts(typeof(Timer))]
public static class ControlledTimer
{
    private sealed class State
    {
        public required TimerCallback Callback;
        public object? CallbackState;
        public int Generation;
        public readonly CallbackDrain Callbacks = new();

        public void Run() => Callbacks.Run(() => Callback(CallbackState));
    }

    public static Timer New(TimerCallback callback) => New(callback, null, Timeout.Infinite, Timeout.Infinite);

    public static Timer New(TimerCallback callback, object? state, int dueTime, int period) => NewCore(callback, state, dueTime, period);

    public static Timer New(TimerCallback callback, object? state, long dueTime, long period) => NewCore(callback, state, dueTime, period);

    public static Timer New(TimerCallback callback, object? state, uint dueTime, uint period) =>
        NewCore(callback, state, dueTime == uint.MaxValue ? -1 : dueTime, period == uint.MaxValue ? -1 : period);

    public static Timer New(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        NewCore(callback, state, (long)dueTime.TotalMilliseconds, (long)period.TotalMilliseconds);

    private static Timer NewCore(TimerCallback callback, object? state, long due, long period)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return new Timer(callback, state, due, period);
        }

        ArgumentNullException.ThrowIfNull(callback);
        var timer = new Timer(static _ => { }, null, Timeout.Infinite, Timeout.Infinite);
        var s = new State { Callback = callback, CallbackState = state };
        op.Runtime.StatesOf<State>()[timer] = s;
        Arm(op.Runtime, s, due, period);
        return timer;
    }

    private static void Arm(ControlledRuntime rt, State s, long due, long period)
    {
        int generation = ++s.Generation;
        VirtualClock.StartPeriodic(rt, due, period, () => s.Callbacks.Stopped || s.Generation != generation, s.Run, "Timer");
    }

    public static bool Change(Timer self, int dueTime, int period) => ChangeCore(self, dueTime, period);

    public static bool Change(Timer self, long dueTime, long period) => ChangeCore(self, dueTime, period);

    public static bool Change(Timer self, TimeSpan dueTime, TimeSpan period) => ChangeCore(self, (long)dueTime.TotalMilliseconds, (long)period.TotalMilliseconds);

    private static bool ChangeCore(Timer self, long due, long period)
    {
        var op = ControlledOperation.Current;
        if (op is null || !op.Runtime.StatesOf<State>().TryGetValue(self, out var s))
        {
            return self.Change(due, period);
        }

        op.Runtime.SchedulePoint(op, "Timer.Change");
        if (s.Callbacks.Stopped)
        {
            return false;
        }

        Arm(op.Runtime, s, due, period);
        return true;
    }

    public static void Dispose(Timer self)
    {
        var op = ControlledOperation.Current;
        if (op is not null && op.Runtime.StatesOf<State>().TryGetValue(self, out var s))
        {
            s.Callbacks.Stop(op, null);
        }

        self.Dispose();
    }

    /// <summary>Like the real one: false if already disposed; <paramref name="notifyObject"/> is signalled once no callback runs.</summary>
    public static bool Dispose(Timer self, WaitHandle notifyObject)
    {
        var op = ControlledOperation.Current;
        if (op is null || !op.Runtime.StatesOf<State>().TryGetValue(self, out var s))
        {
            return self.Dispose(notifyObject);
        }

        ArgumentNullException.ThrowIfNull(notifyObject);
        op.Runtime.SchedulePoint(op, "Timer.Dispose", self);
        self.Dispose();
        return s.Callbacks.Stop(op, notifyObject);
    }
}

/// <summary>TimeProvider.System under control is a virtual clock.</summary>
[Intercepts(typeof(TimeProvider))]
public static class ControlledTimeProviderInterception
{
    public static TimeProvider get_System() => ControlledTimeProvider.Instance;
}

/// <summary>
/// A TimeProvider that is virtual inside a controlled run (GetUtcNow, GetTimestamp and timers follow the
/// engine's clock, so timeouts are explored instead of waited for) and is <see cref="TimeProvider.System"/> outside.
/// </summary>
public sealed class ControlledTimeProvider : TimeProvider
{
    public static ControlledTimeProvider Instance { get; } = new();

    public override DateTimeOffset GetUtcNow()
    {
        var op = ControlledOperation.Current;
        return op is null ? System.GetUtcNow() : VirtualClock.UtcNow(op.Runtime);
    }

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp()
    {
        var op = ControlledOperation.Current;
        return op is null ? System.GetTimestamp() : VirtualClock.Timestamp(op.Runtime);
    }

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }

        ArgumentNullException.ThrowIfNull(callback);
        var t = new VirtualTimer(op.Runtime, callback, state);
        t.Change(dueTime, period);
        return t;
    }

    private sealed class VirtualTimer(ControlledRuntime runtime, TimerCallback callback, object? state) : ITimer
    {
        private int generation;
        private bool disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (disposed)
            {
                return false;
            }

            int g = ++generation;
            VirtualClock.StartPeriodic(runtime, (long)dueTime.TotalMilliseconds, (long)period.TotalMilliseconds, () => disposed || generation != g, () => callback(state), "ITimer");
            return true;
        }

        public void Dispose() => disposed = true;

        public ValueTask DisposeAsync()
        {
            disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}

[Intercepts(typeof(DateTime))]
public static class ControlledDateTime
{
    public static DateTime get_UtcNow()
    {
        var op = ControlledOperation.Current;
        return op is null ? DateTime.UtcNow : VirtualClock.UtcNow(op.Runtime).UtcDateTime;
    }

    public static DateTime get_Now()
    {
        var op = ControlledOperation.Current;
        return op is null ? DateTime.Now : VirtualClock.Now(op.Runtime).LocalDateTime;
    }
}

[Intercepts(typeof(DateTimeOffset))]
public static class ControlledDateTimeOffset
{
    public static DateTimeOffset get_UtcNow()
    {
        var op = ControlledOperation.Current;
        return op is null ? DateTimeOffset.UtcNow : VirtualClock.UtcNow(op.Runtime);
    }

    public static DateTimeOffset get_Now()
    {
        var op = ControlledOperation.Current;
        return op is null ? DateTimeOffset.Now : VirtualClock.Now(op.Runtime);
    }
}

/// <summary>
/// <see cref="Stopwatch"/> on the virtual clock. A stopwatch made inside a controlled run (the usual way to keep
/// track of the time left across the wake-ups of a timed wait) measures virtual time, kept beside the real object;
/// otherwise its time would be real, and a schedule whose timeout ran out would differ from its replay.
/// A stopwatch made outside a run stays real.
/// </summary>
[Intercepts(typeof(Stopwatch))]
public static class ControlledStopwatch
{
    private sealed class VirtualState
    {
        public long Elapsed;
        public long StartedAt;
        public bool IsRunning;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Stopwatch, VirtualState> States = new();

    public static long GetTimestamp()
    {
        var op = ControlledOperation.Current;
        return op is null ? Stopwatch.GetTimestamp() : VirtualClock.Timestamp(op.Runtime);
    }

    public static Stopwatch New()
    {
        var stopwatch = new Stopwatch();
        if (ControlledOperation.Current is not null) States.Add(stopwatch, new VirtualState());
        return stopwatch;
    }

    public static Stopwatch StartNew()
    {
        if (ControlledOperation.Current is null) return Stopwatch.StartNew();
        var stopwatch = New();
        Start(stopwatch);
        return stopwatch;
    }

    public static void Start(Stopwatch self)
    {
        if (!States.TryGetValue(self, out var state)) { self.Start(); return; }
        if (state.IsRunning) return;
        state.StartedAt = GetTimestamp();
        state.IsRunning = true;
    }

    public static void Stop(Stopwatch self)
    {
        if (!States.TryGetValue(self, out var state)) { self.Stop(); return; }
        if (!state.IsRunning) return;
        state.Elapsed += GetTimestamp() - state.StartedAt;
        state.IsRunning = false;
    }

    public static void Reset(Stopwatch self)
    {
        if (!States.TryGetValue(self, out var state)) { self.Reset(); return; }
        state.Elapsed = 0;
        state.IsRunning = false;
    }

    public static void Restart(Stopwatch self)
    {
        if (!States.TryGetValue(self, out var state)) { self.Restart(); return; }
        state.Elapsed = 0;
        state.StartedAt = GetTimestamp();
        state.IsRunning = true;
    }

    public static bool get_IsRunning(Stopwatch self) => States.TryGetValue(self, out var state) ? state.IsRunning : self.IsRunning;

    public static long get_ElapsedTicks(Stopwatch self)
    {
        if (!States.TryGetValue(self, out var state)) return self.ElapsedTicks;
        // Read after the run (no virtual clock any more): the time it had measured by its last stop.
        bool measuring = state.IsRunning && ControlledOperation.Current is not null;
        return state.Elapsed + (measuring ? Math.Max(0, GetTimestamp() - state.StartedAt) : 0);
    }

    public static TimeSpan get_Elapsed(Stopwatch self) =>
        States.TryGetValue(self, out _) ? Stopwatch.GetElapsedTime(0, get_ElapsedTicks(self)) : self.Elapsed;

    public static long get_ElapsedMilliseconds(Stopwatch self) =>
        States.TryGetValue(self, out _) ? (long)get_Elapsed(self).TotalMilliseconds : self.ElapsedMilliseconds;
}
