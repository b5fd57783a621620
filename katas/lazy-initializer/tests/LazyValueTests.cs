using System;
using System.Threading;
using KataServer.Testing;

namespace KataTests;

/// <summary>What the tests build: an object with an id, so "the same value" means the same object.</summary>
public sealed class Oven
{
    public Oven(int batch) { Batch = batch; }
    public int Batch { get; }
}

public static class LazyValueTests
{
    // Real threads need many values per iteration for two threads to collide on one; the schedule
    // explorer needs one, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    /// <summary>A factory that counts its calls (and its successful calls) and can fail on its first call.</summary>
    private sealed class CountingFactory
    {
        private readonly bool _failFirst;
        private int _calls;
        private int _built;

        public CountingFactory(bool failFirst = false) { _failFirst = failFirst; }

        public int Calls => Volatile.Read(ref _calls);
        public int Built => Volatile.Read(ref _built);

        public Oven Build()
        {
            int call = Interlocked.Increment(ref _calls);
            if (_failFirst && call == 1) throw new InvalidOperationException("the oven broke down while heating (first call fails on purpose)");
            return new Oven(Interlocked.Increment(ref _built));
        }
    }

    [KataTest(Description = "On one thread: the constructor builds nothing, the first Value builds, later Values return the same object.")]
    public static void BuildsOnFirstUse()
    {
        var factory = new CountingFactory();
        var lazy = new LazyValue<Oven>(factory.Build);
        Check.Equal(0, factory.Calls, FindingKind.Assertion, "The constructor must not call the factory");
        Check.That(!lazy.IsValueCreated, FindingKind.Assertion, "IsValueCreated must be false before the first Value");
        Check.Equal(0, factory.Calls, FindingKind.Assertion, "IsValueCreated must not call the factory");
        var first = lazy.Value;
        Check.That(first is not null && first.Batch == 1, FindingKind.Assertion, "The first Value must return what the factory built");
        Check.That(lazy.IsValueCreated, FindingKind.Assertion, "IsValueCreated must be true once Value has returned");
        var second = lazy.Value;
        Check.That(ReferenceEquals(first, second), FindingKind.Assertion, "The second Value must return the very same object as the first");
        Check.Equal(1, factory.Calls, FindingKind.Assertion, "The factory must run only once: the second Value called it again");
    }

    [KataTest(Description = "On one thread: a factory that throws is not remembered; the next Value calls it again and succeeds.")]
    public static void FailureIsNotRemembered()
    {
        var factory = new CountingFactory(failFirst: true);
        var lazy = new LazyValue<Oven>(factory.Build);
        bool threw = false;
        try { _ = lazy.Value; }
        catch (Exception) { threw = true; }
        Check.That(threw, FindingKind.Assertion, "The factory threw on its first call, so the first Value must throw too");
        Check.That(!lazy.IsValueCreated, FindingKind.Assertion, "The factory threw: IsValueCreated must still be false");
        Oven? value = null;
        try { value = lazy.Value; }
        catch (Exception e)
        {
            Check.Fail(FindingKind.Assertion,
                $"The second Value threw ({e.GetType().Name}: {e.Message}) without a working factory getting a chance: a failed factory must not be remembered, the next Value calls it again");
        }
        Check.Equal(2, factory.Calls, FindingKind.Assertion, "After one failure, the second Value must call the factory again (exactly once more)");
        Check.That(value is not null && value.Batch == 1, FindingKind.Assertion, "The second Value must return what the factory built");
        Check.That(lazy.IsValueCreated, FindingKind.Assertion, "IsValueCreated must be true once a Value has succeeded");
        Check.That(ReferenceEquals(value, lazy.Value), FindingKind.Assertion, "Later Values must return the same object");
        Check.Equal(2, factory.Calls, FindingKind.Assertion, "Once built, the value must never be built again");
    }

    [KataTest(Description = "Three threads ask for the value at the same time: the factory runs once and all three get the same object.")]
    public static void ConcurrentFirstUseBuildsOnce()
    {
        const int threads = 3;
        int values = OnRealThreads ? TestData.Int(150, 250) : 1;
        var factories = new CountingFactory[values];
        var lazies = new LazyValue<Oven>[values];
        for (int v = 0; v < values; v++)
        {
            factories[v] = new CountingFactory();
            lazies[v] = new LazyValue<Oven>(factories[v].Build);
        }
        var seen = new Oven?[threads, values];
        Concurrent.Run(threads, t =>
        {
            for (int v = 0; v < values; v++)
            {
                seen[t, v] = lazies[v].Value;
                Concurrent.OperationDone(); // lets the runner see whether the threads really overlapped
            }
        });
        for (int v = 0; v < values; v++)
        {
            Check.That(factories[v].Calls == 1, FindingKind.Invariant,
                $"{threads} threads asked for the value at the same time and the factory ran {factories[v].Calls} times: it must run once");
            for (int t = 0; t < threads; t++)
            {
                Check.That(seen[t, v] is not null, FindingKind.Invariant,
                    $"Thread {t} got null from Value while another thread was building it: Value must return the built value, never an empty one");
                Check.That(ReferenceEquals(seen[t, v], seen[0, v]), FindingKind.Invariant,
                    $"Thread {t} got batch {seen[t, v]!.Batch} but thread 0 got batch {seen[0, v]!.Batch}: every caller must get the same object");
            }
        }
    }

    [KataTest(Description = "One thread builds the value while another watches IsValueCreated: once it says true, the value is there and is not built again.")]
    public static void IsValueCreatedMeansBuilt()
    {
        int values = OnRealThreads ? TestData.Int(150, 250) : 1;
        var factories = new CountingFactory[values];
        var lazies = new LazyValue<Oven>[values];
        for (int v = 0; v < values; v++)
        {
            factories[v] = new CountingFactory();
            lazies[v] = new LazyValue<Oven>(factories[v].Build);
        }
        var built = new Oven?[values];
        Concurrent.Run(
            () =>
            {
                for (int v = 0; v < values; v++)
                {
                    built[v] = lazies[v].Value;
                    Concurrent.OperationDone();
                }
            },
            () =>
            {
                for (int v = 0; v < values; v++)
                {
                    bool created = lazies[v].IsValueCreated;
                    Concurrent.OperationDone();
                    if (!created) continue;
                    Oven? value = lazies[v].Value;
                    Check.That(value is not null, FindingKind.Invariant,
                        "IsValueCreated returned true, but the next Value returned null: the flag was raised before the value was stored");
                    Check.That(factories[v].Built == 1, FindingKind.Invariant,
                        $"IsValueCreated returned true and Value returned, yet the factory has built {factories[v].Built} values: it must have built exactly one");
                }
            });
        for (int v = 0; v < values; v++)
        {
            Check.That(lazies[v].IsValueCreated, FindingKind.Invariant, "Value has returned, so IsValueCreated must be true");
            Check.That(factories[v].Calls == 1, FindingKind.Invariant,
                $"The factory ran {factories[v].Calls} times for one value: it must run once");
            Check.That(ReferenceEquals(built[v], lazies[v].Value), FindingKind.Invariant, "Value must keep returning the object the builder got");
        }
    }

    /// <summary><paramref name="values"/> lazy values whose factory's first call throws.</summary>
    private static (CountingFactory[] Factories, LazyValue<Oven>[] Lazies) FailingFirst(int values)
    {
        var factories = new CountingFactory[values];
        var lazies = new LazyValue<Oven>[values];
        for (int v = 0; v < values; v++)
        {
            factories[v] = new CountingFactory(failFirst: true);
            lazies[v] = new LazyValue<Oven>(factories[v].Build);
        }

        return (factories, lazies);
    }

    [KataTest(Description = "Two threads ask at the same time and the factory's first call throws: each thread gets the value on a retry, and it is built once.")]
    public static void ConcurrentFailureThenSuccess()
    {
        const int threads = 2;
        int values = OnRealThreads ? TestData.Int(70, 130) : 1;
        var (factories, lazies) = FailingFirst(values);
        var seen = new Oven?[threads, values];
        Concurrent.Run(threads, t =>
        {
            for (int v = 0; v < values; v++)
            {
                // Only one factory call ever fails, so a thread sees at most one exception.
                for (int attempt = 0; attempt < 3 && seen[t, v] is null; attempt++)
                {
                    bool threw = false;
                    try { seen[t, v] = lazies[v].Value; }
                    catch (Exception) { threw = true; }
                    Check.That(threw || seen[t, v] is not null, FindingKind.Invariant,
                        $"Thread {t} got null from Value while the value was being built: Value must return the built value, never an empty one");
                }
                Check.That(seen[t, v] is not null, FindingKind.Assertion,
                    $"Thread {t} called Value 3 times and never got the value, although only the factory's first call fails: a failed factory must not be remembered");
                Concurrent.OperationDone();
            }
        });
        for (int v = 0; v < values; v++)
        {
            Check.That(factories[v].Built == 1, FindingKind.Invariant,
                $"The factory built {factories[v].Built} values (after its first call failed): it must build exactly one");
            Check.That(ReferenceEquals(seen[0, v], seen[1, v]), FindingKind.Invariant, "Both threads must get the same object");
        }
    }

    [KataTest(Description = "Two threads each call Value once and the factory's first call throws: the thread whose call fails does not try again, and the other one, even if it was already waiting for that failing build, must still return (with the value or with the exception), never wait forever.")]
    public static void WaiterOfAFailedBuildReturns()
    {
        const int threads = 2;
        int values = OnRealThreads ? TestData.Int(150, 250) : 1;
        var (factories, lazies) = FailingFirst(values);
        var seen = new Oven?[threads, values];
        var threw = new bool[threads, values];
        Concurrent.Run(threads, t =>
        {
            for (int v = 0; v < values; v++)
            {
                // One call each, no retry: a caller that waited for the failing build and is never
                // woken up stays here for good (the watchdog reports it).
                try { seen[t, v] = lazies[v].Value; }
                catch (Exception) { threw[t, v] = true; }
                Check.That(threw[t, v] || seen[t, v] is not null, FindingKind.Invariant,
                    $"Thread {t} got null from Value while the value was being built: Value must return the built value, never an empty one");
                Concurrent.OperationDone();
            }
        });
        for (int v = 0; v < values; v++)
        {
            Check.That(threw[0, v] || threw[1, v], FindingKind.Assertion,
                "The factory's first call threw, so the Value that made it must throw too, yet neither thread's Value threw");
            Check.That(factories[v].Built <= 1, FindingKind.Invariant,
                $"The factory built {factories[v].Built} values: it must build at most one");
            if (seen[0, v] is not null && seen[1, v] is not null)
                Check.That(ReferenceEquals(seen[0, v], seen[1, v]), FindingKind.Invariant, "Both threads got a value, so they must get the same object");
        }
    }

    [KataTest(Description = "One thread calls Value and the factory throws, while another watches IsValueCreated: nothing is ever built, so IsValueCreated must say false all along, even while the factory runs.")]
    public static void IsValueCreatedFalseWhileFactoryFails()
    {
        int values = OnRealThreads ? TestData.Int(150, 250) : 1;
        int looks = OnRealThreads ? TestData.Int(15, 25) : 2;
        var (factories, lazies) = FailingFirst(values);
        Concurrent.Run(
            () =>
            {
                for (int v = 0; v < values; v++)
                {
                    bool threw = false;
                    try { _ = lazies[v].Value; }
                    catch (Exception) { threw = true; }
                    Check.That(threw, FindingKind.Assertion, "The factory's only call threw, so Value must throw too");
                    Concurrent.OperationDone();
                }
            },
            () =>
            {
                for (int v = 0; v < values; v++)
                {
                    for (int i = 0; i < looks; i++)
                    {
                        // Only the failing call is ever made: no value is built in this test.
                        Check.That(!lazies[v].IsValueCreated, FindingKind.Invariant,
                            "IsValueCreated returned true while the factory was running (and then threw): it must stay false until a factory call has returned a value");
                    }
                    Concurrent.OperationDone();
                }
            });
        for (int v = 0; v < values; v++)
        {
            Check.That(!lazies[v].IsValueCreated, FindingKind.Invariant, "The factory threw: IsValueCreated must still be false");
            Check.Equal(1, factories[v].Calls, FindingKind.Invariant, "Only one Value was called, so the factory must have run once");
        }
        var lazy = lazies[0];
        var value = lazy.Value; // the next Value tries again and succeeds
        Check.That(lazy.IsValueCreated && ReferenceEquals(value, lazy.Value), FindingKind.Assertion,
            "After a failed build, the next Value must build the value and IsValueCreated must then be true");
    }
}
