using System;
using System.Runtime.ExceptionServices;

// Mistake: the factory runs once under the lock, but when it throws the exception is stored and
// rethrown by every later Value, like Lazy<T>'s default mode. The contract says a failure is not
// remembered: the next Value must call the factory again.
public sealed class LazyValue<T>
{
    private readonly object _gate = new object();
    private readonly Func<T> _factory;
    private volatile bool _created;
    private ExceptionDispatchInfo? _failure;
    private T _value = default!;

    public LazyValue(Func<T> factory) => _factory = factory;

    public T Value
    {
        get
        {
            if (_created) return _value;
            lock (_gate)
            {
                _failure?.Throw();
                if (!_created)
                {
                    try
                    {
                        _value = _factory();
                        _created = true;
                    }
                    catch (Exception e)
                    {
                        _failure = ExceptionDispatchInfo.Capture(e);
                        throw;
                    }
                }
            }
            return _value;
        }
    }

    public bool IsValueCreated => _created;
}
