using System;
using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class TokenBucketBenchmarks
{
    /// <summary>A clock the benchmark moves forward itself (one microsecond per tick).</summary>
    private sealed class TickingTime : TimeProvider
    {
        private long now = 1_000_000_000;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Volatile.Read(ref now);

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(Volatile.Read(ref now) * 10);

        public void Tick() => Interlocked.Increment(ref now);
    }

    [KataBenchmark(Description = "Every thread takes single tokens from one shared bucket while the clock ticks (some takes are refused)", OperationsPerThread = 200_000)]
    public static void TakeUnderContention(int threads, int operationsPerThread)
    {
        var time = new TickingTime();
        var bucket = new TokenBucket(1_000, 10_000_000, time); // 10 tokens per microsecond
        Concurrent.Run(threads, _ =>
        {
            for (var i = 0; i < operationsPerThread; i++)
            {
                if ((i & 15) == 0) time.Tick();
                bucket.TryTake();
            }
        });
    }
}
