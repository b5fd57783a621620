using System;
using System.Threading;
using System.Threading.Tasks;

// The first caller installs an in-flight TaskCompletionSource with a CAS and runs the factory;
// others wait on it. Only a successful build publishes the value in a box, and IsValueCreated
// looks at the box, not at the in-flight build. A failure removes the in-flight build, so the
// next caller tries again.
public sealed class LazyValue<T>
{
    private sealed class Box
    {
        public readonly T Value;
        public Box(T value) { Value = value; }
    }

    private readonly Func<T> _factory;
    private TaskCompletionSource<T>? _inFlight;
    private Box? _box;

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
                var box = Volatile.Read(ref _box);
                if (box is not null) return box.Value;

                var build = Volatile.Read(ref _inFlight);
                if (build is null)
                {
                    var mine = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (Interlocked.CompareExchange(ref _inFlight, mine, null) is not null) continue;
                    T value;
                    try
                    {
                        value = _factory();
                    }
                    catch (Exception error)
                    {
                        Volatile.Write(ref _inFlight, null);
                        mine.SetException(error);
                        throw;
                    }
                    Volatile.Write(ref _box, new Box(value));
                    mine.SetResult(value);
                    return value;
                }

                try
                {
                    return build.Task.GetAwaiter().GetResult();
                }
                catch (Exception)
                {
                    // that build failed: try again ourselves
                }
            }
        }
    }

    public bool IsValueCreated => Volatile.Read(ref _box) is not null;
}
