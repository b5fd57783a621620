using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace KataServer.Grading.Tests.Sandbox;

/// <summary>
/// A real .NET console program for the sandbox tests, compiled once per test run with the SDK's own csc.dll
/// (no project, no Roslyn package): it links ResultChannelClient.cs exactly as the runner will.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class TestChild
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Sockets;
        using System.Threading;
        using KataServer.Grading.Sandbox;

        static class Program
        {
            static int Main(string[] args)
            {
                switch (args[0])
                {
                    case "hello":
                        Console.WriteLine("hello from .NET " + Environment.Version);
                        Console.WriteLine(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:")));
                        return 0;
                    case "oom":
                        var keep = new List<byte[]>();
                        try
                        {
                            while (true) { var b = new byte[1 << 20]; b[0] = 1; b[^1] = 1; keep.Add(b); }
                        }
                        catch (OutOfMemoryException)
                        {
                            int mib = keep.Count;
                            keep.Clear();
                            Console.WriteLine($"caught OutOfMemoryException after {mib} MiB");
                            return 42;
                        }
                    case "threads":
                        Console.WriteLine("bomb"); // console init needs a thread: do it before the pids run out
                        int started = 0;
                        try
                        {
                            for (int i = 0; i < int.Parse(args[1]); i++)
                            {
                                new Thread(() => Thread.Sleep(Timeout.Infinite), 256 * 1024) { IsBackground = true }.Start();
                                started++;
                            }
                            Console.WriteLine($"started {started} threads");
                        }
                        catch (Exception e)
                        {
                            Console.WriteLine($"started {started} threads, then {e.GetType().Name}");
                        }
                        return 0;
                    case "net":
                        try
                        {
                            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                            s.Connect("127.0.0.1", int.Parse(args[1]));
                            Console.WriteLine("connected");
                        }
                        catch (SocketException e) { Console.WriteLine("failed: " + e.SocketErrorCode); }
                        return 0;
                    case "write":
                        try { File.WriteAllText(args[1], "x"); Console.WriteLine("wrote"); }
                        catch (Exception e) { Console.WriteLine("failed: " + e.GetType().Name); }
                        return 0;
                    case "channel":
                    {
                        // The runner's way in: descriptor 3 and the key on stdin, read before anything else.
                        using var w = ResultChannelClient.OpenInherited();
                        w.WriteLine("{\"event\":\"started\"}");
                        // Learner-style forgery on stdout, which nobody trusts.
                        Console.WriteLine("{\"verdict\":\"pass\"}");
                        Console.Out.Write("\0\u0001 garbage \n\n");
                        // What learner code could find: the key again on stdin? a channel path in the environment or on disk?
                        int stdinBytes = 0;
                        try { stdinBytes = Console.OpenStandardInput().Read(new byte[100], 0, 100); } catch (Exception) { stdinBytes = -1; }
                        int envChannel = Environment.GetEnvironmentVariables().Keys.Cast<object>().Count(k => k.ToString()!.StartsWith("KATA", StringComparison.Ordinal));
                        int sockets = new[] { "/tmp", "/" }.Sum(d => Directory.EnumerateFileSystemEntries(d).Count(f => f.Contains("kata-rc", StringComparison.Ordinal) || f.EndsWith(".sock", StringComparison.Ordinal)));
                        string fd3 = new FileInfo("/proc/self/fd/3").LinkTarget ?? "none";
                        w.WriteLine("{\"stdin\":" + stdinBytes + ",\"env\":" + envChannel + ",\"sockets\":" + sockets + ",\"fd3\":\"" + fd3.Split(':')[0] + "\"}");
                        w.WriteLine("{\"event\":\"done\"}");
                        return 0;
                    }
                    case "forge":
                    case "replay":
                    {
                        using var w = ResultChannelClient.OpenInherited();
                        w.WriteLine("{\"event\":\"started\"}");
                        // What learner code in the runner's process could do: write on descriptor 3 itself.
                        using var raw = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle((IntPtr)3, ownsHandle: false), FileAccess.Write, 0);
                        string line = args[0] == "forge"
                            ? "{\"type\":\"done\"}\n"
                            : "0 " + new string('0', 64) + " {\"event\":\"started\"}\n"; // message 0 again, as seen on the wire
                        var bytes = System.Text.Encoding.UTF8.GetBytes(line);
                        raw.Write(bytes, 0, bytes.Length);
                        raw.Flush();
                        w.WriteLine("{\"event\":\"done\"}");
                        return 0;
                    }
                    case "bigmsg":
                    {
                        using var w = ResultChannelClient.OpenInherited();
                        try { w.WriteLine(new string('x', int.Parse(args[1]))); } catch (IOException) { }
                        return 0;
                    }
                    default:
                        return 2;
                }
            }
        }
        """;

    private static readonly Lazy<Task<string>> Built = new(BuildAsync);

    /// <summary>Path of the compiled child dll (its directory is world-readable, so uid 65534 can load it).</summary>
    public static Task<string> DllAsync() => Built.Value;

    public static string DotnetRoot => KataServer.Grading.Sandbox.SandboxCapabilities.Detect().DotnetRoot;
    public static string DotnetExe => Path.Combine(DotnetRoot, "dotnet");

    private static async Task<string> BuildAsync()
    {
        string root = DotnetRoot;
        string csc = Directory.GetDirectories(Path.Combine(root, "sdk"))
            .Select(d => Path.Combine(d, "Roslyn", "bincore", "csc.dll")).Where(File.Exists)
            .OrderBy(p => p, StringComparer.Ordinal).Last();
        int major = Environment.Version.Major;
        string refDir = Directory.GetDirectories(Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref"), $"{major}.*")
            .Select(d => Path.Combine(d, "ref", $"net{major}.0")).Where(Directory.Exists)
            .OrderBy(p => p, StringComparer.Ordinal).Last();

        string dir = Path.Combine("/tmp", "kata-sandbox-test-child-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), Program);
        string dll = Path.Combine(dir, "child.dll");
        File.WriteAllText(Path.Combine(dir, "child.runtimeconfig.json"),
            "{\"runtimeOptions\":{\"tfm\":\"net" + major + ".0\",\"framework\":{\"name\":\"Microsoft.NETCore.App\",\"version\":\"" + major + ".0.0\"}}}");

        var psi = new ProcessStartInfo(Path.Combine(root, "dotnet")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "exec", csc, "-nologo", "-noconfig", "-nostdlib", "-target:exe", "-nullable:enable", "-langversion:latest", $"-out:{dll}" })
            psi.ArgumentList.Add(a);
        foreach (var r in Directory.GetFiles(refDir, "*.dll")) psi.ArgumentList.Add("-r:" + r);
        psi.ArgumentList.Add(Path.Combine(dir, "Program.cs"));
        psi.ArgumentList.Add(FindClientSource());
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"csc failed ({p.ExitCode}): {await stdout}{await stderr}");
        foreach (var f in Directory.GetFiles(dir)) File.SetUnixFileMode(f, (UnixFileMode)0b110_100_100);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        };
        return dll;
    }

    private static string FindClientSource([CallerFilePath] string thisFile = "")
    {
        const string relative = "src/KataServer.Grading/Sandbox/ResultChannelClient.cs";
        foreach (var start in new[] { Path.GetDirectoryName(thisFile), AppContext.BaseDirectory })
        {
            for (var d = start is null ? null : new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, relative);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException("ResultChannelClient.cs not found above " + thisFile);
    }
}
