namespace KataServer.Grading.Sandbox;

/// <summary>The bwrap command line: no network, no shared namespaces, read-only system, private /tmp, uid 65534.</summary>
internal static class BubblewrapArguments
{
    /// <summary>Host directories the runtime needs, bound read-only (or re-created as the same symlink).</summary>
    internal static readonly string[] SystemPaths = { "/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32" };

    /// <summary>Single files from /etc: the loader cache (faster startup) and the time zone.</summary>
    internal static readonly string[] EtcFiles = { "/etc/ld.so.cache", "/etc/localtime" };

    /// <summary>Returns the bwrap arguments up to and including "--"; the command follows.</summary>
    internal static List<string> Build(string dotnetRoot, IReadOnlyList<string> readOnlyPaths, string workingDirectory,
        long tmpfsBytes, bool uidMapping)
    {
        var a = new List<string>
        {
            "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--hostname", "kata-sandbox",
        };
        if (uidMapping)
            a.AddRange(new[] { "--unshare-user", "--disable-userns",
                "--uid", SandboxCapabilities.NobodyId.ToString(), "--gid", SandboxCapabilities.NobodyId.ToString() });

        foreach (var p in SystemPaths)
        {
            var info = new FileInfo(p);
            if (info.LinkTarget is { } target)
                a.AddRange(new[] { "--symlink", target, p });
            else if (Directory.Exists(p))
                a.AddRange(new[] { "--ro-bind", p, p });
        }
        foreach (var f in EtcFiles)
            a.AddRange(new[] { "--ro-bind-try", f, f });
        a.AddRange(new[] { "--proc", "/proc", "--dev", "/dev" });
        a.AddRange(new[] { "--size", tmpfsBytes.ToString(), "--perms", "1777", "--tmpfs", "/tmp" });

        var bound = new List<string> { "/usr" };
        void Bind(string path)
        {
            string full = Path.GetFullPath(path).TrimEnd('/');
            if (full.Length == 0) throw new ArgumentException("cannot bind / into the sandbox");
            if (bound.Any(b => full == b || full.StartsWith(b + "/", StringComparison.Ordinal))) return;
            bound.Add(full);
            a.AddRange(new[] { "--ro-bind", full, full });
        }
        if (!string.IsNullOrEmpty(dotnetRoot)) Bind(dotnetRoot);
        // Shorter paths first so that a parent bind never hides a child bind.
        foreach (var p in readOnlyPaths.OrderBy(p => Path.GetFullPath(p).Length))
        {
            // Paths under /usr are visible already; the ones under /tmp come after the tmpfs, so they stay visible.
            Bind(p);
        }
        // The sandbox root and /dev are bwrap's own tmpfs: make them read-only so /tmp (size-limited) is the only writable place.
        a.AddRange(new[] { "--remount-ro", "/dev", "--remount-ro", "/" });
        a.AddRange(new[] { "--chdir", workingDirectory, "--" });
        return a;
    }
}
