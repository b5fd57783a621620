using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

internal static class WaitHelpers
{
    /// <summary>Blocks on <paramref name="ready"/> honouring a cancellation token; returns false on (virtual) timeout.</summary>
    internal static bool Block(ControlledOperation op, Func<bool> ready, string kind, object target, long timeoutMs, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Func<bool> predicate = ct.CanBeCanceled ? () => ready() || ct.IsCancellationRequested : ready;
        bool ok = op.Runtime.BlockUntil(op, predicate, kind, target, timeoutMs);
        if (ok && !ready())
        {
            ct.ThrowIfCancellationRequested();
        }

        return ok;
    }
}

/// <summary>ManualResetEventSlim under control (state starts from the real instance's IsSet).</summary>
[Intercepts(typeof(ManualResetEventSlim))]
public static class ControlledManualResetEventSlim
{
    private sealed class State
    {
        public bool IsSet;
        public Func<bool>? Ready;
    }

    private static State Get(ControlledOperation op, ManualResetEventSlim self)
    {
        ArgumentNullException.ThrowIfNull(self);
        var table = op.Runtime.StatesOf<State>();
        if (!table.TryGetValue(self, out var s))
        {
            s = new State { IsSet = self.IsSet };
            var c = s;
            s.Ready = () => c.IsSet;
            table[self] = s;
        }

        return s;
    }

    public static ManualResetEventSlim New() => new();

    public static WaitHandle get_WaitHandle(ManualResetEventSlim self) => UnmodelledHandles.Of(self, static e => e.WaitHandle, "ManualResetEventSlim.WaitHandle");

    public static ManualResetEventSlim New(bool initialState) => new(initialState);

    public static ManualResetEventSlim New(bool initialState, int spinCount) => new(initialState, spinCount);

    public static void Set(ManualResetEventSlim self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Set();
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ManualResetEventSlim.Set", self, "event");
        s.IsSet = true;
    }

    public static void Reset(ManualResetEventSlim self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Reset();
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ManualResetEventSlim.Reset", self, "event");
        s.IsSet = false;
    }

    public static bool get_IsSet(ManualResetEventSlim self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.IsSet;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ManualResetEventSlim.IsSet", self, "event", isYield: true);
        return s.IsSet;
    }

    public static void Wait(ManualResetEventSlim self) => WaitCore(self, Timeout.Infinite, default);

    public static bool Wait(ManualResetEventSlim self, int millisecondsTimeout) => WaitCore(self, LockModel.ToMs(millisecondsTimeout), default);

    public static bool Wait(ManualResetEventSlim self, TimeSpan timeout) => WaitCore(self, LockModel.ToMs(timeout), default);

    public static void Wait(ManualResetEventSlim self, CancellationToken cancellationToken) => WaitCore(self, Timeout.Infinite, cancellationToken);

    public static bool Wait(ManualResetEventSlim self, int millisecondsTimeout, CancellationToken cancellationToken) => WaitCore(self, LockModel.ToMs(millisecondsTimeout), cancellationToken);

    public static bool Wait(ManualResetEventSlim self, TimeSpan timeout, CancellationToken cancellationToken) => WaitCore(self, LockModel.ToMs(timeout), cancellationToken);

    private static bool WaitCore(ManualResetEventSlim self, long timeoutMs, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Wait((int)timeoutMs, ct);
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ManualResetEventSlim.Wait", self, "event");
        return WaitHelpers.Block(op, s.Ready!, "event", self, timeoutMs, ct);
    }
}

/// <summary>What a controlled wait handle must say: whether this operation may take it now, and taking it.</summary>
internal interface IWaitHandleModel
{
    bool CanTake(ControlledOperation op);

    void Take(ControlledOperation op);

    /// <summary>What Set, Release or ReleaseMutex does to the model (after their scheduling point).</summary>
    void Signal(ControlledOperation op);
}

/// <summary>AutoResetEvent / ManualResetEvent / EventWaitHandle under control.</summary>
[Intercepts(typeof(EventWaitHandle))]
public static class ControlledEventWaitHandle
{
    internal sealed class State : IWaitHandleModel
    {
        public bool Signaled;
        public bool AutoReset;

        /// <summary>
        /// A manual-reset handle the framework created (CancellationToken.WaitHandle, a task's AsyncWaitHandle): its real
        /// state is what changes (the controlled Cancel cancels the real source), so it is read at every check.
        /// </summary>
        public EventWaitHandle? Foreign;

        public bool CanTake(ControlledOperation op) => Signaled || (Foreign is not null && Foreign.WaitOne(0));

        public void Take(ControlledOperation op)
        {
            if (AutoReset)
            {
                Signaled = false;
            }
        }

        public void Signal(ControlledOperation op) => Signaled = true;
    }

    private static readonly ConditionalWeakTable<EventWaitHandle, StrongBox<bool>> InitialStates = new();

    internal static EventWaitHandle Register(EventWaitHandle handle, bool initialState)
    {
        InitialStates.AddOrUpdate(handle, new StrongBox<bool>(initialState));
        return handle;
    }

    internal static State Get(ControlledOperation op, EventWaitHandle self)
    {
        ArgumentNullException.ThrowIfNull(self);
        var table = op.Runtime.StatesOf<State>();
        if (!table.TryGetValue(self, out var s))
        {
            bool auto = self is AutoResetEvent;
            bool signaled;
            bool foreign = !InitialStates.TryGetValue(self, out var box);
            if (!foreign)
            {
                signaled = box!.Value;
            }
            else
            {
                // Probe the real handle (nothing else touches it during a controlled run).
                signaled = self.WaitOne(0);
                if (signaled && auto)
                {
                    self.Set();
                }
            }

            s = new State { Signaled = signaled, AutoReset = auto, Foreign = foreign && !auto ? self : null };
            table[self] = s;
        }

        return s;
    }

    public static EventWaitHandle New(bool initialState, EventResetMode mode) => Register(new EventWaitHandle(initialState, mode), initialState);

    public static bool Set(EventWaitHandle self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Set();
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "EventWaitHandle.Set", self, "event");
        s.Signal(op);
        return true;
    }

    public static bool Reset(EventWaitHandle self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Reset();
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "EventWaitHandle.Reset", self, "event");
        s.Signaled = false;
        return true;
    }
}

[Intercepts(typeof(AutoResetEvent))]
public static class ControlledAutoResetEvent
{
    public static AutoResetEvent New(bool initialState) => (AutoResetEvent)ControlledEventWaitHandle.Register(new AutoResetEvent(initialState), initialState);
}

[Intercepts(typeof(ManualResetEvent))]
public static class ControlledManualResetEvent
{
    public static ManualResetEvent New(bool initialState) => (ManualResetEvent)ControlledEventWaitHandle.Register(new ManualResetEvent(initialState), initialState);
}

/// <summary>
/// System.Threading.Semaphore (the kernel one) under control: a count that WaitOne takes and Release gives back,
/// never above the maximum. Named semaphores are cross-process and stay real (and uncontrolled).
/// </summary>
[Intercepts(typeof(Semaphore))]
public static class ControlledSemaphore
{
    internal sealed class State : IWaitHandleModel
    {
        public int Count;
        public int Max;

        public bool CanTake(ControlledOperation op) => Count > 0;

        public void Take(ControlledOperation op) => Count--;

        public void Signal(ControlledOperation op) => Add(1);

        public int Add(int releaseCount)
        {
            if ((long)Count + releaseCount > Max)
            {
                throw new SemaphoreFullException("Adding the specified count to the semaphore would cause it to exceed its maximum count.");
            }

            int previous = Count;
            Count += releaseCount;
            return previous;
        }
    }

    private static readonly ConditionalWeakTable<Semaphore, Tuple<int, int>> Created = new();

    internal static State Get(ControlledOperation op, Semaphore self)
    {
        ArgumentNullException.ThrowIfNull(self);
        var table = op.Runtime.StatesOf<State>();
        if (!table.TryGetValue(self, out var s))
        {
            s = Created.TryGetValue(self, out var counts)
                ? new State { Count = counts.Item1, Max = counts.Item2 }
                : new State { Count = ProbeCount(self), Max = int.MaxValue };
            table[self] = s;
        }

        return s;
    }

    /// <summary>The real count of a semaphore made outside the rewritten code (taken and given back at once).</summary>
    private static int ProbeCount(Semaphore self)
    {
        int count = 0;
        while (self.WaitOne(0))
        {
            count++;
        }

        if (count > 0)
        {
            self.Release(count);
        }

        return count;
    }

    public static Semaphore New(int initialCount, int maximumCount)
    {
        var semaphore = new Semaphore(initialCount, maximumCount);
        Created.AddOrUpdate(semaphore, Tuple.Create(initialCount, maximumCount));
        return semaphore;
    }

    public static int Release(Semaphore self) => Release(self, 1);

    public static int Release(Semaphore self, int releaseCount)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Release(releaseCount);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(releaseCount, 1);
        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "Semaphore.Release", self, "semaphore");
        return s.Add(releaseCount);
    }
}

/// <summary>
/// System.Threading.Mutex under control: a reentrant lock owned by the operation that waited on it, modelled like
/// Monitor (so a deadlock names who holds which mutex). Named mutexes are cross-process and stay real.
/// </summary>
[Intercepts(typeof(Mutex))]
public static class ControlledMutex
{
    internal sealed class State(object target) : LockState(target), IWaitHandleModel
    {
        public bool CanTake(ControlledOperation op) => Owner is null || Owner == op;

        public void Take(ControlledOperation op) => LockModel.Acquire(op, this, 0);

        public void Signal(ControlledOperation op)
        {
            if (Owner != op)
            {
                throw new ApplicationException("Object synchronization method was called from an unsynchronized block of code.");
            }

            LockModel.Release(op, this, "Mutex.ReleaseMutex");
        }
    }

    internal static State Get(ControlledOperation op, Mutex self)
    {
        ArgumentNullException.ThrowIfNull(self);
        return LockModel.Get(op.Runtime, self, static o => new State(o));
    }

    public static Mutex New() => new();

    public static Mutex New(bool initiallyOwned)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return new Mutex(initiallyOwned);
        }

        // The real mutex stays unowned: ownership lives in the model, with the operation that made it.
        var mutex = new Mutex(false);
        if (initiallyOwned)
        {
            LockModel.Acquire(op, Get(op, mutex), 0);
        }

        return mutex;
    }

    public static void ReleaseMutex(Mutex self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.ReleaseMutex();
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "Mutex.ReleaseMutex", self, LockModel.Kind);
        s.Signal(op);
    }
}

/// <summary>WaitHandle waits under control: events, semaphores and mutexes (other handles are reported as uncontrolled).</summary>
[Intercepts(typeof(WaitHandle))]
public static class ControlledWaitHandle
{
    public static bool WaitOne(WaitHandle self) => WaitOneCore(self, Timeout.Infinite);

    public static bool WaitOne(WaitHandle self, int millisecondsTimeout) => WaitOneCore(self, LockModel.ToMs(millisecondsTimeout));

    public static bool WaitOne(WaitHandle self, TimeSpan timeout) => WaitOneCore(self, LockModel.ToMs(timeout));

    public static bool WaitOne(WaitHandle self, int millisecondsTimeout, bool exitContext) => WaitOneCore(self, LockModel.ToMs(millisecondsTimeout));

    public static bool WaitOne(WaitHandle self, TimeSpan timeout, bool exitContext) => WaitOneCore(self, LockModel.ToMs(timeout));

    internal static IWaitHandleModel Model(ControlledOperation op, WaitHandle h) => h switch
    {
        EventWaitHandle e => ControlledEventWaitHandle.Get(op, e),
        Semaphore s => ControlledSemaphore.Get(op, s),
        Mutex m => ControlledMutex.Get(op, m),
        null => throw new ArgumentNullException(nameof(h)),
        _ => Uncontrolled(op, h),
    };

    private static IWaitHandleModel Uncontrolled(ControlledOperation op, WaitHandle h)
    {
        op.Runtime.FailUncontrolled(op, $"Waiting on a {h.GetType().Name} is not modelled by the engine (use events, semaphores, mutexes or locks).");
        return null!;
    }

    private static string KindOf(IWaitHandleModel model) => model switch
    {
        ControlledMutex.State => LockModel.Kind,
        ControlledSemaphore.State => "semaphore",
        _ => "event",
    };

    private static bool WaitOneCore(WaitHandle self, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.WaitOne((int)timeoutMs);
        }

        ArgumentNullException.ThrowIfNull(self);
        var model = Model(op, self);
        op.Runtime.SchedulePoint(op, "WaitHandle.WaitOne", self, KindOf(model));
        return Wait(op, self, model, timeoutMs);
    }

    public static bool SignalAndWait(WaitHandle toSignal, WaitHandle toWaitOn) => SignalAndWaitCore(toSignal, toWaitOn, Timeout.Infinite);

    public static bool SignalAndWait(WaitHandle toSignal, WaitHandle toWaitOn, int millisecondsTimeout, bool exitContext) =>
        SignalAndWaitCore(toSignal, toWaitOn, LockModel.ToMs(millisecondsTimeout));

    public static bool SignalAndWait(WaitHandle toSignal, WaitHandle toWaitOn, TimeSpan timeout, bool exitContext) =>
        SignalAndWaitCore(toSignal, toWaitOn, LockModel.ToMs(timeout));

    /// <summary>Signals one handle and starts waiting on the other in one step, as the kernel does: no scheduling point between.</summary>
    private static bool SignalAndWaitCore(WaitHandle toSignal, WaitHandle toWaitOn, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return WaitHandle.SignalAndWait(toSignal, toWaitOn, (int)timeoutMs, false);
        }

        ArgumentNullException.ThrowIfNull(toSignal);
        ArgumentNullException.ThrowIfNull(toWaitOn);
        var signalled = Model(op, toSignal);
        var awaited = Model(op, toWaitOn);
        op.Runtime.SchedulePoint(op, "WaitHandle.SignalAndWait", toWaitOn, KindOf(awaited));
        signalled.Signal(op);
        return Wait(op, toWaitOn, awaited, timeoutMs);
    }

    internal static bool Wait(ControlledOperation op, WaitHandle self, IWaitHandleModel model, long timeoutMs)
    {
        if (model is ControlledMutex.State mutex)
        {
            return LockModel.Acquire(op, mutex, timeoutMs);
        }

        if (!op.Runtime.BlockUntil(op, () => model.CanTake(op), KindOf(model), self, timeoutMs))
        {
            return false;
        }

        model.Take(op);
        return true;
    }

    public static bool WaitAll(WaitHandle[] waitHandles) => WaitAllCore(waitHandles, Timeout.Infinite);

    public static bool WaitAll(WaitHandle[] waitHandles, int millisecondsTimeout) => WaitAllCore(waitHandles, LockModel.ToMs(millisecondsTimeout));

    public static bool WaitAll(WaitHandle[] waitHandles, TimeSpan timeout) => WaitAllCore(waitHandles, LockModel.ToMs(timeout));

    /// <summary>Takes every handle at once, or none (like the kernel's WaitForMultipleObjects with bWaitAll).</summary>
    private static bool WaitAllCore(WaitHandle[] handles, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return WaitHandle.WaitAll(handles, (int)timeoutMs);
        }

        ArgumentNullException.ThrowIfNull(handles);
        var models = handles.Select(h => Model(op, h)).ToArray();
        op.Runtime.SchedulePoint(op, "WaitHandle.WaitAll");
        if (!op.Runtime.BlockUntil(op, () => models.All(m => m.CanTake(op)), KindOf(models[0]), handles[0], timeoutMs))
        {
            return false;
        }

        foreach (var model in models)
        {
            model.Take(op);
        }

        return true;
    }

    public static int WaitAny(WaitHandle[] waitHandles) => WaitAnyCore(waitHandles, Timeout.Infinite);

    public static int WaitAny(WaitHandle[] waitHandles, int millisecondsTimeout) => WaitAnyCore(waitHandles, LockModel.ToMs(millisecondsTimeout));

    public static int WaitAny(WaitHandle[] waitHandles, TimeSpan timeout) => WaitAnyCore(waitHandles, LockModel.ToMs(timeout));

    private static int WaitAnyCore(WaitHandle[] handles, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return WaitHandle.WaitAny(handles, (int)timeoutMs);
        }

        ArgumentNullException.ThrowIfNull(handles);
        var models = handles.Select(h => Model(op, h)).ToArray();
        op.Runtime.SchedulePoint(op, "WaitHandle.WaitAny");
        if (!op.Runtime.BlockUntil(op, () => models.Any(m => m.CanTake(op)), KindOf(models[0]), handles[0], timeoutMs))
        {
            return WaitHandle.WaitTimeout;
        }

        for (int i = 0; i < models.Length; i++)
        {
            if (models[i].CanTake(op))
            {
                models[i].Take(op);
                return i;
            }
        }

        return WaitHandle.WaitTimeout;
    }
}

/// <summary>CountdownEvent under control.</summary>
[Intercepts(typeof(CountdownEvent))]
public static class ControlledCountdownEvent
{
    public static WaitHandle get_WaitHandle(CountdownEvent self) => UnmodelledHandles.Of(self, static e => e.WaitHandle, "CountdownEvent.WaitHandle");

    private sealed class State
    {
        public int Current;
        public int Initial;
        public Func<bool>? Ready;
    }

    private static State Get(ControlledOperation op, CountdownEvent self)
    {
        ArgumentNullException.ThrowIfNull(self);
        var table = op.Runtime.StatesOf<State>();
        if (!table.TryGetValue(self, out var s))
        {
            s = new State { Current = self.CurrentCount, Initial = self.InitialCount };
            var c = s;
            s.Ready = () => c.Current == 0;
            table[self] = s;
        }

        return s;
    }

    private static State Point(ControlledOperation op, CountdownEvent self, string verb)
    {
        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, verb, self, "countdown", isYield: verb is "CountdownEvent.CurrentCount" or "CountdownEvent.IsSet");
        return s;
    }

    public static CountdownEvent New(int initialCount) => new(initialCount);

    public static bool Signal(CountdownEvent self) => Signal(self, 1);

    public static bool Signal(CountdownEvent self, int signalCount)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Signal(signalCount);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(signalCount, 1);
        var s = Point(op, self, "CountdownEvent.Signal");
        if (s.Current < signalCount)
        {
            throw new InvalidOperationException("Invalid attempt made to decrement the event's count below zero.");
        }

        s.Current -= signalCount;
        return s.Current == 0;
    }

    public static void AddCount(CountdownEvent self) => AddCount(self, 1);

    public static void AddCount(CountdownEvent self, int signalCount)
    {
        if (!TryAddCount(self, signalCount))
        {
            throw new InvalidOperationException("The event is already signaled and cannot be incremented.");
        }
    }

    public static bool TryAddCount(CountdownEvent self) => TryAddCount(self, 1);

    public static bool TryAddCount(CountdownEvent self, int signalCount)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.TryAddCount(signalCount);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(signalCount, 1);
        var s = Point(op, self, "CountdownEvent.AddCount");
        if (s.Current == 0)
        {
            return false;
        }

        s.Current += signalCount;
        return true;
    }

    public static void Reset(CountdownEvent self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Reset();
            return;
        }

        var s = Point(op, self, "CountdownEvent.Reset");
        s.Current = s.Initial;
    }

    public static void Reset(CountdownEvent self, int count)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Reset(count);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var s = Point(op, self, "CountdownEvent.Reset");
        s.Current = s.Initial = count;
    }

    public static int get_CurrentCount(CountdownEvent self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.CurrentCount : Point(op, self, "CountdownEvent.CurrentCount").Current;
    }

    public static int get_InitialCount(CountdownEvent self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.InitialCount : Get(op, self).Initial;
    }

    public static bool get_IsSet(CountdownEvent self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.IsSet : Point(op, self, "CountdownEvent.IsSet").Current == 0;
    }

    public static void Wait(CountdownEvent self) => WaitCore(self, Timeout.Infinite, default);

    public static bool Wait(CountdownEvent self, int millisecondsTimeout) => WaitCore(self, LockModel.ToMs(millisecondsTimeout), default);

    public static bool Wait(CountdownEvent self, TimeSpan timeout) => WaitCore(self, LockModel.ToMs(timeout), default);

    public static void Wait(CountdownEvent self, CancellationToken cancellationToken) => WaitCore(self, Timeout.Infinite, cancellationToken);

    public static bool Wait(CountdownEvent self, int millisecondsTimeout, CancellationToken cancellationToken) => WaitCore(self, LockModel.ToMs(millisecondsTimeout), cancellationToken);

    public static bool Wait(CountdownEvent self, TimeSpan timeout, CancellationToken cancellationToken) => WaitCore(self, LockModel.ToMs(timeout), cancellationToken);

    private static bool WaitCore(CountdownEvent self, long timeoutMs, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Wait((int)timeoutMs, ct);
        }

        var s = Point(op, self, "CountdownEvent.Wait");
        return WaitHelpers.Block(op, s.Ready!, "countdown", self, timeoutMs, ct);
    }
}

/// <summary>Barrier under control (phases, post-phase action, participants).</summary>
[Intercepts(typeof(Barrier))]
public static class ControlledBarrier
{
    private sealed class State
    {
        public int Participants;
        public int Remaining;
        public long Phase;
        public Action<Barrier>? PostPhase;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_postPhaseAction")]
    private static extern ref Action<Barrier>? PostPhaseAction(Barrier b);

    private static State Get(ControlledOperation op, Barrier self)
    {
        ArgumentNullException.ThrowIfNull(self);
        var table = op.Runtime.StatesOf<State>();
        if (!table.TryGetValue(self, out var s))
        {
            s = new State { Participants = self.ParticipantCount, Remaining = self.ParticipantsRemaining, Phase = self.CurrentPhaseNumber, PostPhase = PostPhaseAction(self) };
            table[self] = s;
        }

        return s;
    }

    public static Barrier New(int participantCount) => new(participantCount);

    public static Barrier New(int participantCount, Action<Barrier>? postPhaseAction) => new(participantCount, postPhaseAction);

    public static void SignalAndWait(Barrier self) => SignalAndWaitCore(self, Timeout.Infinite, default);

    public static bool SignalAndWait(Barrier self, int millisecondsTimeout) => SignalAndWaitCore(self, LockModel.ToMs(millisecondsTimeout), default);

    public static bool SignalAndWait(Barrier self, TimeSpan timeout) => SignalAndWaitCore(self, LockModel.ToMs(timeout), default);

    public static void SignalAndWait(Barrier self, CancellationToken cancellationToken) => SignalAndWaitCore(self, Timeout.Infinite, cancellationToken);

    public static bool SignalAndWait(Barrier self, int millisecondsTimeout, CancellationToken cancellationToken) => SignalAndWaitCore(self, LockModel.ToMs(millisecondsTimeout), cancellationToken);

    public static bool SignalAndWait(Barrier self, TimeSpan timeout, CancellationToken cancellationToken) => SignalAndWaitCore(self, LockModel.ToMs(timeout), cancellationToken);

    private static bool SignalAndWaitCore(Barrier self, long timeoutMs, CancellationToken ct)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.SignalAndWait((int)timeoutMs, ct);
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "Barrier.SignalAndWait", self, "barrier");
        ct.ThrowIfCancellationRequested();
        if (s.Remaining <= 0)
        {
            throw new InvalidOperationException("The number of threads using the barrier exceeded the total number of registered participants.");
        }

        long phase = s.Phase;
        if (--s.Remaining == 0)
        {
            FinishPhase(self, s);
            return true;
        }

        bool ok;
        try
        {
            ok = WaitHelpers.Block(op, () => s.Phase != phase, "barrier", self, timeoutMs, ct);
        }
        catch (OperationCanceledException)
        {
            if (s.Phase == phase)
            {
                s.Remaining++;
            }

            throw;
        }

        if (!ok && s.Phase == phase)
        {
            s.Remaining++;
            return false;
        }

        return true;
    }

    private static void FinishPhase(Barrier self, State s)
    {
        try
        {
            s.PostPhase?.Invoke(self);
        }
        catch (Exception e)
        {
            s.Phase++;
            s.Remaining = s.Participants;
            throw new BarrierPostPhaseException(e);
        }

        s.Phase++;
        s.Remaining = s.Participants;
    }

    public static long AddParticipant(Barrier self) => AddParticipants(self, 1);

    public static long AddParticipants(Barrier self, int participantCount)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.AddParticipants(participantCount);
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "Barrier.AddParticipants", self, "barrier");
        s.Participants += participantCount;
        s.Remaining += participantCount;
        return s.Phase;
    }

    public static void RemoveParticipant(Barrier self) => RemoveParticipants(self, 1);

    public static void RemoveParticipants(Barrier self, int participantCount)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.RemoveParticipants(participantCount);
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "Barrier.RemoveParticipants", self, "barrier");
        if (s.Participants < participantCount || s.Remaining < participantCount)
        {
            throw new InvalidOperationException("The participantCount argument must be less than or equal the number of participants remaining.");
        }

        s.Participants -= participantCount;
        s.Remaining -= participantCount;
        if (s.Remaining == 0 && s.Participants > 0)
        {
            FinishPhase(self, s);
        }
    }

    public static long get_CurrentPhaseNumber(Barrier self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.CurrentPhaseNumber : Get(op, self).Phase;
    }

    public static int get_ParticipantCount(Barrier self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.ParticipantCount : Get(op, self).Participants;
    }

    public static int get_ParticipantsRemaining(Barrier self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.ParticipantsRemaining : Get(op, self).Remaining;
    }
}

/// <summary>
/// Kernel handles that slim primitives expose: their real state is not kept in step with the model, so a wait on one
/// could never end under control. Asking for one in a controlled run is reported as uncontrolled (stress then decides).
/// </summary>
internal static class UnmodelledHandles
{
    public static WaitHandle Of<T>(T self, Func<T, WaitHandle> real, string api)
    {
        if (ControlledOperation.Current is { } op)
        {
            op.Runtime.FailUncontrolled(op, $"{api} is not modelled by the explorer (wait on the primitive itself, or use an event).");
        }

        return real(self);
    }
}

/// <summary>
/// The callbacks of a timer or a registered wait, and what stopping them means: <c>Timer.Dispose(WaitHandle)</c> and
/// <c>RegisteredWaitHandle.Unregister(WaitHandle)</c> signal their handle once no callback runs (at once if none does).
/// </summary>
internal sealed class CallbackDrain
{
    private int running;
    private WaitHandle? notify;

    public bool Stopped { get; private set; }

    public void Run(Action callback)
    {
        running++;
        try
        {
            callback();
        }
        finally
        {
            if (--running == 0 && notify is { } handle && ControlledOperation.Current is { } op)
            {
                ControlledWaitHandle.Model(op, handle).Signal(op);
            }
        }
    }

    /// <returns>false when already stopped (the handle is then not signalled)</returns>
    public bool Stop(ControlledOperation op, WaitHandle? notifyObject)
    {
        if (Stopped)
        {
            return false;
        }

        Stopped = true;
        notify = notifyObject;
        if (notifyObject is not null && running == 0)
        {
            ControlledWaitHandle.Model(op, notifyObject).Signal(op);
        }

        return true;
    }
}
