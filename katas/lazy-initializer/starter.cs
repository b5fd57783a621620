using System;

// Builds its value on first use. Correct on one thread; under contention two threads can both
// see "not created yet" and both run the factory. Make it build once, for everyone.
public sealed class LazyValue<T>
{
    private readonly Func<T> _factory;
    private bool _created;
    private T _value = default!;

    public LazyValue(Func<T> factory)
    {
        _factory = factory;
    }

    public T Value
    {
        get
        {
            if (!_created)
            {
                _value = _factory();
                _created = true;
            }
            return _value;
        }
    }

    public bool IsValueCreated => _created;
}
