using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class ReadThroughCacheBenchmarks
{
    [KataBenchmark(Description = "Every thread reads a few hundred hot keys of one shared cache; one call in 64 invalidates a key; a key is loaded again only after an invalidation", OperationsPerThread = 200_000)]
    public static void HotKeysWithInvalidation(int threads, int operationsPerThread)
    {
        // The keys and the loaded values change from grade to grade, and the work is checked: a cache that does not
        // cache (loads on every Get) or returns what load did not return is a finding, never a score.
        var keyCount = TestData.Int(128, 512);
        var firstKey = TestData.Int(-1_000_000, 1_000_000);
        var factor = TestData.Int(2, 1_000);
        var salt = (uint)TestData.Int(1, int.MaxValue);
        long loads = 0;
        var cache = new ReadThroughCache<int, int>(key =>
        {
            Interlocked.Increment(ref loads);
            return unchecked(key * factor);
        });
        var invalidations = new long[threads];
        Concurrent.Run(threads, thread =>
        {
            var state = (uint)(thread * 7919 + 1) ^ salt;
            for (var i = 0; i < operationsPerThread; i++)
            {
                state = state * 1664525 + 1013904223;
                var key = firstKey + (int)((state >> 8) % (uint)keyCount);
                if ((i & 63) == 63)
                {
                    cache.Invalidate(key);
                    invalidations[thread]++;
                }
                else
                {
                    var value = cache.Get(key);
                    if (value != unchecked(key * factor)) Check.Fail(FindingKind.Assertion, $"Get({key}) returned {value}, but load({key}) returns {unchecked(key * factor)}");
                }
            }
        });

        long invalidated = 0;
        foreach (var n in invalidations) invalidated += n;
        var loaded = Interlocked.Read(ref loads);
        Check.That(loaded <= keyCount + invalidated, FindingKind.Invariant,
            $"The benchmark's {keyCount} keys were invalidated {invalidated} times, so load may run at most {keyCount + invalidated} times, but it ran {loaded} times: a cached key must not be loaded again until invalidated");
    }
}
