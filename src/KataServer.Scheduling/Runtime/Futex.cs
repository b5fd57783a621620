using System.Runtime.InteropServices;

namespace KataServer.Scheduling.Runtime;

/// <summary>
/// Linux futex wait and wake on an int: the cheapest way to put a thread to sleep and wake it. A hand-off between
/// two workers through Monitor.Wait/Pulse cost about 15 µs on the 2-core box, through a futex 2–3 µs (both threads on
/// one CPU), and an exploration is mostly hand-offs. <see cref="Available"/> is false elsewhere (Parker then uses a Monitor).
/// </summary>
internal static class Futex
{
    private const int FutexWait = 0;
    private const int FutexWake = 1;
    private const int FutexPrivateFlag = 128;
    private const int EINTR = 4;
    private const int EAGAIN = 11;

    private static readonly long SyscallNumber = !OperatingSystem.IsLinux() ? -1 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    internal static readonly bool Available = SyscallNumber > 0 && Environment.GetEnvironmentVariable("KATA_SCHED_FUTEX") != "0" && Probe();

    /// <summary>Sleeps while <paramref name="word"/> equals <paramref name="expected"/>, until woken or the timeout (-1: none) passes. May return early: callers re-check.</summary>
    internal static void Wait(ref int word, int expected, int timeoutMs)
    {
        if (timeoutMs < 0)
        {
            syscall(SyscallNumber, ref word, FutexWait | FutexPrivateFlag, expected, IntPtr.Zero, IntPtr.Zero, 0);
        }
        else
        {
            var ts = new Timespec { Seconds = timeoutMs / 1000, Nanoseconds = timeoutMs % 1000 * 1_000_000L };
            syscall(SyscallNumber, ref word, FutexWait | FutexPrivateFlag, expected, ref ts, IntPtr.Zero, 0);
        }
    }

    internal static void WakeOne(ref int word) => syscall(SyscallNumber, ref word, FutexWake | FutexPrivateFlag, 1, IntPtr.Zero, IntPtr.Zero, 0);

    /// <summary>A wait on a word that does not hold the expected value must return EAGAIN at once; anything else (a seccomp filter, an emulator) and we keep to Monitor.</summary>
    private static bool Probe()
    {
        try
        {
            int word = 1;
            long r = syscall(SyscallNumber, ref word, FutexWait | FutexPrivateFlag, 0, IntPtr.Zero, IntPtr.Zero, 0);
            int errno = Marshal.GetLastPInvokeError();
            return r == -1 && (errno == EAGAIN || errno == EINTR);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, ref int word, int op, int value, IntPtr timeout, IntPtr word2, int value3);

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, ref int word, int op, int value, ref Timespec timeout, IntPtr word2, int value3);
}
