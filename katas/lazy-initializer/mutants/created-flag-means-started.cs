// Kata: lazy-initializer
// Bug: IsValueCreated reports whether a build has been STARTED (the in-flight TaskCompletionSource
//      is installed), not whether one has SUCCEEDED. It says true while the factory is still
//      running, and keeps saying true if that factory then throws; a caller that trusted it then
//      calls Value and the factory runs again.
// Interleaving: T1: Value -> installs _build, starts the factory (running). T2: IsValueCreated ->
//      true, although nothing has been built ("false until the value has been built" broken).
//      If T1's factory throws: T2 calls Value -> the failed build is cleared -> the factory is
//      called again ("once it returns true, Value returns the built value without calling the
//      factory" broken).
using System;
using System.Threading;
using System.Threading.Tasks;

public sealed class LazyValue<T>
{
    private readonly Func<T> _factory;
    private TaskCompletionSource<T>? _build; // the build in progress, or the one that succeeded

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
                var build = Volatile.Read(ref _build);
                if (build is null)
                {
                    var mine = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (Interlocked.CompareExchange(ref _build, mine, null) is not null) continue;
                    try
                    {
                        T value = _factory();
                        mine.SetResult(value);
                        return value;
                    }
                    catch (Exception error)
                    {
                        Interlocked.CompareExchange(ref _build, null, mine); // a failure is not remembered
                        mine.SetException(error);                            // waiters get the failure
                        throw;
                    }
                }

                return build.Task.GetAwaiter().GetResult(); // built, or wait for the builder
            }
        }
    }

    public bool IsValueCreated => Volatile.Read(ref _build) is not null;
}
