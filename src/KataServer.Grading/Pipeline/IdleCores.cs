using System.Globalization;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// How many of the machine's cores sat idle between two moments (Linux <c>/proc/stat</c>): a second explore runner
/// only pays when a core is free for it. On a shared or busy machine two runners compete for the same core, and the
/// second one's start then costs a failing grade more than its exploring saves (docs/benchmarks.md).
/// </summary>
public sealed class IdleCores
{
    /// <summary>Fewer clock ticks (all CPUs together) than this between the samples: too short to tell.</summary>
    private const long MinTicks = 8;

    private readonly (long Idle, long Total)? start = Read();

    /// <summary>Starts watching now.</summary>
    public static IdleCores Watch() => new();

    /// <summary>Idle cores on average since <see cref="Watch"/> (0 to the core count), or null when it cannot tell.</summary>
    public double? SinceStart()
    {
        if (start is not { } before || Read() is not { } now) return null;
        var total = now.Total - before.Total;
        if (total < MinTicks) return null;
        return Environment.ProcessorCount * (double)(now.Idle - before.Idle) / total;
    }

    /// <summary>The explore runners to use: the second (and more) only with that many cores idle while the grade began.</summary>
    public int Runners(int wanted)
    {
        if (wanted <= 1) return 1;
        return SinceStart() is { } idle ? Math.Clamp(1 + (int)Math.Floor(idle + 0.25), 1, wanted) : 1;
    }

    /// <summary>The first line of /proc/stat: idle (idle + iowait) and total clock ticks over all CPUs.</summary>
    private static (long Idle, long Total)? Read()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return null;
            using var reader = new StreamReader("/proc/stat");
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is null || fields.Length < 6 || fields[0] != "cpu") return null;
            var ticks = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return (ticks[3] + ticks[4], ticks.Sum());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
