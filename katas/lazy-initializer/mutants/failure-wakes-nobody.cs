// Mistake: a 0/1/2 state machine (Empty, Building, Built). The caller that wins the CAS runs the
// factory; the others sleep under the lock with `while (state == Building) Monitor.Wait`. A
// successful build sets Built and calls PulseAll, but a failing factory only sets the state back to
// Empty ("not remembered: the next caller retries") without PulseAll: a caller already asleep
// during that failing build is never woken, unless some later successful build happens to wake it.
using System;
using System.Threading;

public sealed class LazyValue<T>
{
    private const int Empty = 0, Building = 1, Built = 2;

    private readonly Func<T> _factory;
    private readonly object _gate = new object();
    private int _state;
    private T _value = default!;

    public LazyValue(Func<T> factory)
    {
        _factory = factory;
    }

    public T Value
    {
        get
        {
            while (true)
            {
                if (Volatile.Read(ref _state) == Built) return _value;
                int seen = Interlocked.CompareExchange(ref _state, Building, Empty);
                if (seen == Built) return _value;
                if (seen == Empty)
                {
                    T value;
                    try
                    {
                        value = _factory();
                    }
                    catch
                    {
                        Volatile.Write(ref _state, Empty); // not remembered: the next caller retries
                        throw;
                    }
                    _value = value;
                    lock (_gate)
                    {
                        Volatile.Write(ref _state, Built);
                        Monitor.PulseAll(_gate);
                    }
                    return value;
                }
                lock (_gate)
                {
                    while (Volatile.Read(ref _state) == Building) Monitor.Wait(_gate);
                }
            }
        }
    }

    public bool IsValueCreated => Volatile.Read(ref _state) == Built;
}
