namespace KataServer.Scheduling.Strategies;

/// <summary>SplitMix64: small, fast and identical on every platform.</summary>
public sealed class DeterministicRandom(ulong seed)
{
    private ulong state = seed;

    public static ulong Mix(ulong a, ulong b)
    {
        ulong z = a + 0x9E3779B97F4A7C15UL * (b + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, maxValue).</summary>
    public int Next(int maxValue) => maxValue <= 1 ? 0 : (int)(NextUInt64() % (ulong)maxValue);
}
