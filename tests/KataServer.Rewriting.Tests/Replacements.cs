using KataServer.Scheduling.Interception;

namespace KataServer.Rewriting.Tests;

// Recording replacements: they log, then do what the framework would. Real controlled versions live in KataServer.Scheduling.

[Intercepts(typeof(Monitor))]
public static class RecordingMonitor
{
    public static void Enter(object obj)
    {
        Recorder.Call("Monitor.Enter");
        Monitor.Enter(obj);
    }

    public static void Enter(object obj, ref bool lockTaken)
    {
        Recorder.Call("Monitor.Enter(ref)");
        Monitor.Enter(obj, ref lockTaken);
    }

    public static void Exit(object obj)
    {
        Recorder.Call("Monitor.Exit");
        Monitor.Exit(obj);
    }

    public static bool Wait(object obj, int millisecondsTimeout)
    {
        Recorder.Call("Monitor.Wait");
        return Monitor.Wait(obj, millisecondsTimeout);
    }

    public static void PulseAll(object obj)
    {
        Recorder.Call("Monitor.PulseAll");
        Monitor.PulseAll(obj);
    }

    public static bool IsEntered(object obj)
    {
        Recorder.Call("Monitor.IsEntered");
        return Monitor.IsEntered(obj);
    }
}

[Intercepts(typeof(Lock))]
public static class RecordingLock
{
    public static Lock New()
    {
        Recorder.Call("Lock.New");
        return new Lock();
    }

    public static Lock.Scope EnterScope(Lock self)
    {
        Recorder.Call("Lock.EnterScope");
        return self.EnterScope();
    }

    public static void Enter(Lock self)
    {
        Recorder.Call("Lock.Enter");
        self.Enter();
    }

    public static void Exit(Lock self)
    {
        Recorder.Call("Lock.Exit");
        self.Exit();
    }
}

[Intercepts(typeof(Lock.Scope))]
public static class RecordingLockScope
{
    public static void Dispose(ref Lock.Scope self)
    {
        Recorder.Call("Lock.Scope.Dispose");
        self.Dispose();
    }
}

[Intercepts(typeof(Interlocked))]
public static class RecordingInterlocked
{
    public static int Increment(ref int location)
    {
        Recorder.Call("Interlocked.Increment");
        return Interlocked.Increment(ref location);
    }

    public static int CompareExchange(ref int location, int value, int comparand)
    {
        Recorder.Call("Interlocked.CompareExchange(int)");
        return Interlocked.CompareExchange(ref location, value, comparand);
    }

    public static T CompareExchange<T>(ref T location, T value, T comparand)
        where T : class?
    {
        Recorder.Call("Interlocked.CompareExchange<" + typeof(T).Name + ">");
        return Interlocked.CompareExchange(ref location, value, comparand);
    }
}

[Intercepts(typeof(Volatile))]
public static class RecordingVolatile
{
    public static int Read(ref int location)
    {
        Recorder.Call("Volatile.Read");
        return Volatile.Read(ref location);
    }

    public static void Write(ref int location, int value)
    {
        Recorder.Call("Volatile.Write");
        Volatile.Write(ref location, value);
    }
}

[Intercepts(typeof(SemaphoreSlim))]
public static class RecordingSemaphoreSlim
{
    public static SemaphoreSlim New(int initialCount)
    {
        Recorder.Call("SemaphoreSlim.New");
        return new SemaphoreSlim(initialCount);
    }

    public static void Wait(SemaphoreSlim self)
    {
        Recorder.Call("SemaphoreSlim.Wait");
        self.Wait();
    }

    public static Task WaitAsync(SemaphoreSlim self)
    {
        Recorder.Call("SemaphoreSlim.WaitAsync");
        return self.WaitAsync();
    }

    public static int Release(SemaphoreSlim self)
    {
        Recorder.Call("SemaphoreSlim.Release");
        return self.Release();
    }

    public static int get_CurrentCount(SemaphoreSlim self)
    {
        Recorder.Call("SemaphoreSlim.CurrentCount");
        return self.CurrentCount;
    }
}

[Intercepts(typeof(TaskCompletionSource<>))]
public static class RecordingTaskCompletionSource<TResult>
{
    public static TaskCompletionSource<TResult> New()
    {
        Recorder.Call("TCS<" + typeof(TResult).Name + ">.New");
        return new TaskCompletionSource<TResult>();
    }

    public static void SetResult(TaskCompletionSource<TResult> self, TResult result)
    {
        Recorder.Call("TCS<" + typeof(TResult).Name + ">.SetResult");
        self.SetResult(result);
    }

    public static Task<TResult> get_Task(TaskCompletionSource<TResult> self)
    {
        Recorder.Call("TCS<" + typeof(TResult).Name + ">.Task");
        return self.Task;
    }
}

[Intercepts(typeof(Thread))]
public static class RecordingThread
{
    public static Thread New(ThreadStart start)
    {
        Recorder.Call("Thread.New");
        return new Thread(start);
    }

    public static void Start(Thread self)
    {
        Recorder.Call("Thread.Start");
        self.Start();
    }

    public static void Join(Thread self)
    {
        Recorder.Call("Thread.Join");
        self.Join();
    }

    public static bool Yield()
    {
        Recorder.Call("Thread.Yield");
        return Thread.Yield();
    }
}

/// <summary>Deliberately wrong: used to check the map's diagnostics. Not in <see cref="Maps.Recording"/>.</summary>
[Intercepts(typeof(Monitor))]
public static class BogusMonitor
{
    public static void Enter(string notAnObject) => _ = notAnObject;

    public static int Exit(object obj) => obj.GetHashCode();
}
