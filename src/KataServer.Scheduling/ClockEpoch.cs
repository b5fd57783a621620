using System.Diagnostics;

namespace KataServer.Scheduling;

/// <summary>
/// The real clocks' values where a run's virtual time starts. Not a fixed date, zero ticks or zero milliseconds of
/// uptime (code could recognise the explorer by them): the values this process read when it started. A replay token
/// carries them, so a finding whose path depends on a clock's absolute value (a stripe picked by the tick count)
/// replays exactly in another process (`kata replay`, a worker).
/// </summary>
/// <param name="UtcTicks">DateTimeOffset.UtcNow's ticks</param>
/// <param name="Timestamp">Stopwatch.GetTimestamp(), in <see cref="Stopwatch.Frequency"/> units</param>
/// <param name="TickCount64">Environment.TickCount64, in milliseconds</param>
public readonly record struct ClockEpoch(long UtcTicks, long Timestamp, long TickCount64)
{
    public static ClockEpoch Process { get; } = new(DateTimeOffset.UtcNow.UtcTicks, Stopwatch.GetTimestamp(), Environment.TickCount64);

    /// <summary>Values a real clock can have (a replay token comes from users: a crafted epoch must not make DateTime throw in learner code).</summary>
    public bool IsPlausible =>
        UtcTicks >= new DateTime(2000, 1, 1).Ticks && UtcTicks <= new DateTime(2200, 1, 1).Ticks && Timestamp >= 0 && TickCount64 >= 0
        && Timestamp < long.MaxValue / 4 && TickCount64 < long.MaxValue / 4;
}
