using KataServer.Testing;

namespace KataTests;

public static class ReadThroughCacheBenchmarks
{
    [KataBenchmark(Description = "Every thread reads 256 hot keys of one shared cache; one call in 64 invalidates a key", OperationsPerThread = 200_000)]
    public static void HotKeysWithInvalidation(int threads, int operationsPerThread)
    {
        var cache = new ReadThroughCache<int, int>(key => key * 2);
        Concurrent.Run(threads, thread =>
        {
            var state = (uint)(thread * 7919 + 1);
            for (var i = 0; i < operationsPerThread; i++)
            {
                state = state * 1664525 + 1013904223;
                var key = (int)(state >> 24);
                if ((i & 63) == 63) cache.Invalidate(key);
                else Check.Equal(key * 2, cache.Get(key), FindingKind.Assertion, "Get must return what load returned");
            }
        });
    }
}
