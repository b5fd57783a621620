using System.Runtime.InteropServices;

namespace KataServer.Grading.Sandbox;

internal static partial class Native
{
    internal const int SIGKILL = 9;
    internal const int SIGXCPU = 24;

    [DllImport("libc", SetLastError = true)]
    internal static extern int kill(int pid, int sig);

    [DllImport("libc")]
    internal static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    internal static extern int chown(string path, int owner, int group);

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int stat(string path, byte[] buffer);

    /// <summary>The uid owning a file (-1 when unknown). .NET has no API for it; st_uid's offset in glibc's struct stat
    /// is 28 on x86-64 and 24 on arm64.</summary>
    internal static int OwnerOf(string path)
    {
        int offset = RuntimeInformation.ProcessArchitecture switch { Architecture.X64 => 28, Architecture.Arm64 => 24, _ => -1 };
        var buffer = new byte[256];
        if (offset < 0 || stat(path, buffer) != 0) return -1;
        return BitConverter.ToInt32(buffer, offset);
    }

    internal static void Kill(int pid)
    {
        if (pid > 1) kill(pid, SIGKILL);
    }
}
