using System;

// Mistake: half of double-checked locking. The flag is checked outside the lock, and the lock
// is taken to build, but the flag is not checked again inside it: a thread that saw "not created"
// and then waited for the lock builds the value a second time when it gets in.
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
            if (!_created)
            {
                lock (_gate)
                {
                    _value = _factory();
                    _created = true;
                }
            }
            return _value;
        }
    }

    public bool IsValueCreated => _created;
}
