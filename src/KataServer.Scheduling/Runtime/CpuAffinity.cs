using System.Runtime.InteropServices;

namespace KataServer.Scheduling.Runtime;

/// <summary>
/// Keeps the threads of one exploration on one CPU. Only one operation runs at a time, so a second core buys the
/// explorer nothing, while every hand-off between threads on two cores is a cross-CPU wake-up (an interrupt to the
/// other core, dear under a hypervisor); on one core it is a plain switch. Linux only; elsewhere, when the kernel
/// refuses, or with KATA_SCHED_PIN=0, threads stay where the OS puts them.
/// </summary>
internal static class CpuAffinity
{
    private const int MaskWords = 16; // 1024 CPUs

    internal static readonly bool Enabled =
        OperatingSystem.IsLinux() && Environment.ProcessorCount > 1 && Environment.GetEnvironmentVariable("KATA_SCHED_PIN") != "0";

    /// <summary>The CPUs the process may use, read once (before any worker is pinned), to unpin a worker again.</summary>
    private static readonly ulong[]? ProcessMask = ReadProcessMask();

    private static bool refused;

    /// <summary>The CPU to keep a new exploration on (the one the caller runs on now), or -1 for none.</summary>
    internal static int ChooseCpu()
    {
        if (!Enabled || refused || ProcessMask is null)
        {
            return -1;
        }

        try
        {
            int cpu = sched_getcpu();
            return cpu >= 0 && cpu < MaskWords * 64 ? cpu : -1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            refused = true;
            return -1;
        }
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>, or lets it run on every CPU of the process again for -1.</summary>
    internal static bool PinCurrentThread(int cpu)
    {
        if (ProcessMask is null || refused)
        {
            return false;
        }

        var mask = cpu < 0 ? ProcessMask : new ulong[MaskWords];
        if (cpu >= 0)
        {
            mask[cpu / 64] = 1UL << (cpu % 64);
        }

        if (sched_setaffinity(0, MaskWords * sizeof(ulong), mask) != 0)
        {
            refused = true; // e.g. a cpuset that does not allow it: stop trying
            return false;
        }

        return true;
    }

    private static ulong[]? ReadProcessMask()
    {
        if (!Enabled)
        {
            return null;
        }

        try
        {
            var mask = new ulong[MaskWords];
            return sched_getaffinity(0, MaskWords * sizeof(ulong), mask) == 0 ? mask : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_getcpu();

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setaffinity(int pid, nint cpusetsize, ulong[] mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_getaffinity(int pid, nint cpusetsize, ulong[] mask);
}
