using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Threads under control: <c>new Thread(...)</c> creates the real (never started) Thread object and remembers its
/// delegate; Start runs the delegate as a controlled operation; Join blocks in the scheduler; Sleep uses virtual time.
/// </summary>
[Intercepts(typeof(Thread))]
public static class ControlledThread
{
    private static readonly ConditionalWeakTable<Thread, Delegate> StartDelegates = new();

    private sealed class ThreadRun(ControlledOperation op)
    {
        public ControlledOperation Op { get; } = op;
    }

    public static Thread New(ThreadStart start) => Register(new Thread(start), start);

    public static Thread New(ThreadStart start, int maxStackSize) => Register(new Thread(start, maxStackSize), start);

    public static Thread New(ParameterizedThreadStart start) => Register(new Thread(start), start);

    public static Thread New(ParameterizedThreadStart start, int maxStackSize) => Register(new Thread(start, maxStackSize), start);

    private static Thread Register(Thread thread, Delegate start)
    {
        StartDelegates.AddOrUpdate(thread, start);
        return thread;
    }

    public static void Start(Thread self) => StartCore(self, null, false);

    public static void Start(Thread self, object? parameter) => StartCore(self, parameter, true);

    public static void UnsafeStart(Thread self) => StartCore(self, null, false);

    public static void UnsafeStart(Thread self, object? parameter) => StartCore(self, parameter, true);

    private static void StartCore(Thread self, object? parameter, bool withParameter)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            if (withParameter)
            {
                self.Start(parameter);
            }
            else
            {
                self.Start();
            }

            return;
        }

        ArgumentNullException.ThrowIfNull(self);
        var rt = op.Runtime;
        if (!StartDelegates.TryGetValue(self, out var start))
        {
            rt.FailUncontrolled(op, "A Thread created outside rewritten code was started; the engine cannot control it.");
        }

        var runs = rt.StatesOf<ThreadRun>();
        if (runs.ContainsKey(self))
        {
            throw new ThreadStateException("Thread is running or terminated; it cannot restart.");
        }

        Action body = start switch
        {
            ThreadStart ts when !withParameter => () => ts(),
            ParameterizedThreadStart pts => () => pts(parameter),
            _ => throw new InvalidOperationException("The thread was created with a ThreadStart delegate, which takes no parameter."),
        };
        // Like Thread.Start, flow the starter's ExecutionContext (AsyncLocal values) to the new thread.
        var context = ExecutionContext.Capture();
        if (context is not null)
        {
            var inner = body;
            body = () => ExecutionContext.Run(context, static b => ((Action)b!)(), inner);
        }

        var child = rt.CreateOperation(OperationKind.Thread, body, null);
        if (self.Name is { Length: > 0 } name)
        {
            child.Name = $"{child.Name} ({name})";
        }

        child.ThreadObject = self;
        runs[self] = new ThreadRun(child);
        rt.SchedulePoint(op, "Thread.Start", child, alreadyDone: true);
    }

    /// <summary>
    /// Not modelled: an interrupt would have to break whatever controlled wait the thread is in. Rather than let a woken
    /// thread look like a deadlock, the explorer says it cannot judge the code (stress then decides).
    /// </summary>
    public static void Interrupt(Thread self)
    {
        if (ControlledOperation.Current is not { } op)
        {
            self.Interrupt();
            return;
        }

        op.Runtime.FailUncontrolled(op, "Thread.Interrupt is not modelled by the explorer (it cannot wake a thread from a controlled wait).");
    }

    public static void Join(Thread self) => JoinCore(self, Timeout.Infinite);

    public static bool Join(Thread self, int millisecondsTimeout) => JoinCore(self, LockModel.ToMs(millisecondsTimeout));

    public static bool Join(Thread self, TimeSpan timeout) => JoinCore(self, LockModel.ToMs(timeout));

    private static bool JoinCore(Thread self, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.Join((int)timeoutMs);
        }

        ArgumentNullException.ThrowIfNull(self);
        var rt = op.Runtime;
        if (!rt.StatesOf<ThreadRun>().TryGetValue(self, out var run))
        {
            if (op.ThreadObject == self)
            {
                // Joining yourself blocks forever (until the timeout).
                rt.SchedulePoint(op, "Thread.Join", op);
                return rt.BlockUntil(op, static () => false, "join", op, timeoutMs);
            }

            throw new ThreadStateException("Thread has not been started.");
        }

        var child = run.Op;
        rt.SchedulePoint(op, "Thread.Join", child);
        return rt.BlockUntil(op, () => child.Status == OperationStatus.Completed, "join", child, timeoutMs);
    }

    public static void Sleep(int millisecondsTimeout)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Thread.Sleep(millisecondsTimeout);
            return;
        }

        op.Runtime.Sleep(op, LockModel.ToMs(millisecondsTimeout) is var ms && ms < 0 ? long.MaxValue / 4 : ms);
    }

    public static void Sleep(TimeSpan timeout)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Thread.Sleep(timeout);
            return;
        }

        long ms = LockModel.ToMs(timeout);
        op.Runtime.Sleep(op, ms < 0 ? long.MaxValue / 4 : ms);
    }

    public static bool Yield()
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Thread.Yield();
        }

        op.Runtime.SchedulePoint(op, "Thread.Yield", isYield: true);
        return true;
    }

    public static void SpinWait(int iterations)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Thread.SpinWait(iterations);
            return;
        }

        op.Runtime.SchedulePoint(op, "Thread.SpinWait", isYield: true);
    }

    public static bool get_IsAlive(Thread self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.IsAlive;
        }

        var rt = op.Runtime;
        rt.SchedulePoint(op, "Thread.IsAlive", isYield: true);
        if (op.ThreadObject == self)
        {
            return true;
        }

        return rt.StatesOf<ThreadRun>().TryGetValue(self, out var run) && run.Op.Status != OperationStatus.Completed;
    }

    public static Thread get_CurrentThread()
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Thread.CurrentThread;
        }

        return op.ThreadObject ??= new Thread(static () => { }) { Name = op.Name };
    }

    private sealed class ManagedId(int value)
    {
        public int Value { get; } = value;
    }

    /// <summary>
    /// The runtime gives a Thread object its id when it is made, from ids freed by threads the GC has collected, so a
    /// real id differs from one run of a schedule to the next (and code that picks a stripe by id would not replay).
    /// Under control ids are <see cref="FirstControlledId"/>, and up, in the order the schedule first asks for them (not
    /// 1, 2, 3..., which no thread of a test on real threads has: code could recognise the explorer by them).
    /// </summary>
    public const int FirstControlledId = 9;

    public static int get_ManagedThreadId(Thread self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.ManagedThreadId;
        }

        var ids = op.Runtime.StatesOf<ManagedId>();
        if (!ids.TryGetValue(self, out var id))
        {
            ids[self] = id = new ManagedId(ids.Count + FirstControlledId);
        }

        return id.Value;
    }
}

[Intercepts(typeof(Environment))]
public static class ControlledEnvironment
{
    public static int get_CurrentManagedThreadId()
    {
        var op = ControlledOperation.Current;
        return op is null ? Environment.CurrentManagedThreadId : ControlledThread.get_ManagedThreadId(ControlledThread.get_CurrentThread());
    }

    /// <summary>Virtual milliseconds inside a controlled run.</summary>
    public static int get_TickCount()
    {
        var op = ControlledOperation.Current;
        return op is null ? Environment.TickCount : (int)VirtualClock.TickCount64(op.Runtime);
    }

    public static long get_TickCount64()
    {
        var op = ControlledOperation.Current;
        return op is null ? Environment.TickCount64 : VirtualClock.TickCount64(op.Runtime);
    }
}

/// <summary>SpinWait under control: each spin is a yielding scheduling point.</summary>
[Intercepts(typeof(SpinWait))]
public static class ControlledSpinWait
{
    public static void SpinOnce(ref SpinWait self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.SpinOnce();
            return;
        }

        op.Runtime.SchedulePoint(op, "SpinWait.SpinOnce", isYield: true);
        self.SpinOnce(-1);
    }

    public static void SpinOnce(ref SpinWait self, int sleep1Threshold)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.SpinOnce(sleep1Threshold);
            return;
        }

        op.Runtime.SchedulePoint(op, "SpinWait.SpinOnce", isYield: true);
        self.SpinOnce(-1);
    }

    public static void SpinUntil(Func<bool> condition) => SpinUntil(condition, Timeout.Infinite);

    public static bool SpinUntil(Func<bool> condition, TimeSpan timeout) => SpinUntil(condition, (int)LockModel.ToMs(timeout));

    public static bool SpinUntil(Func<bool> condition, int millisecondsTimeout)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return SpinWait.SpinUntil(condition, millisecondsTimeout);
        }

        ArgumentNullException.ThrowIfNull(condition);
        var rt = op.Runtime;
        long deadline = rt.DeadlineAfter(millisecondsTimeout);
        while (true)
        {
            if (condition())
            {
                return true;
            }

            if (rt.NowNs >= deadline)
            {
                return false;
            }

            if (millisecondsTimeout < 0)
            {
                rt.SchedulePoint(op, "SpinWait.SpinUntil", isYield: true);
            }
            else
            {
                rt.Sleep(op, 1); // lets virtual time reach the timeout when nothing else can run
            }
        }
    }
}
