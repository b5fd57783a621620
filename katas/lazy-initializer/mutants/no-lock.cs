using System;

// Mistake: a plain check with no lock. Two threads that ask at the same time both see
// "not created yet" and both run the expensive factory; they may even get different objects.
public sealed class LazyValue<T>
{
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
                _value = _factory();
                _created = true;
            }
            return _value;
        }
    }

    public bool IsValueCreated => _created;
}
