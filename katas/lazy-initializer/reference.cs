using System;
using System.Threading;

// Reference: double-checked locking. The fast path reads a volatile flag without locking; the
// value is stored before the flag is raised, so a reader that sees the flag sees the value. The
// slow path checks again under the lock, so only one thread ever runs the factory. A factory that
// throws leaves everything as it was: the exception leaves the lock and the next caller retries.
public sealed class LazyValue<T>
{
    private readonly object _gate = new object();
    private Func<T>? _factory;
    private T _value = default!;
    private volatile bool _created;

    public LazyValue(Func<T> factory)
    {
        _factory = factory;
    }

    public T Value
    {
        get
        {
            if (_created) return _value;
            lock (_gate)
            {
                if (!_created)
                {
                    _value = _factory!();
                    _created = true;
                    _factory = null; // let the factory's captured state be collected
                }
            }
            return _value;
        }
    }

    public bool IsValueCreated => _created;
}
