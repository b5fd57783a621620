using System;

// Mistake: double-checked locking with the steps in the wrong order. The flag is raised first
// ("so nobody else starts building"), then the factory runs. A reader on the lock-free fast path
// sees the flag and returns _value before it has been stored: it gets null.
public sealed class LazyValue<T>
{
    private readonly object _gate = new object();
    private readonly Func<T> _factory;
    private volatile bool _created;
    private T _value = default!;

    public LazyValue(Func<T> factory) => _factory = factory;

    public T Value
    {
        get
        {
            if (_created) return _value;
            lock (_gate)
            {
                if (!_created)
                {
                    _created = true;
                    try
                    {
                        _value = _factory();
                    }
                    catch
                    {
                        _created = false;
                        throw;
                    }
                }
            }
            return _value;
        }
    }

    public bool IsValueCreated => _created;
}
