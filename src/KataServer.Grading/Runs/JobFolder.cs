using KataServer.Compilation;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Runs;

/// <summary>
/// A private folder on the host holding one grading job's compiled assemblies. It is never bound into a sandbox: each
/// run gets the assemblies it needs as bytes on its standard input (<see cref="Input"/>; explore: <see cref="Instrumented"/>;
/// stress: this one, before the reference exists; measure: this one with <see cref="Reference"/>), and loads them from
/// memory, so neither the hidden tests nor the reference exist under any path the learner's process could open. On the
/// host the folder is owned by the job's own uid with mode 0700 (files 0600) under a root folder that cannot be listed
/// (0711), so even a process outside the namespaces, as another job's uid, can neither find nor read it. Deleted when disposed.
/// </summary>
public sealed class JobFolder : IDisposable
{
    private const UnixFileMode RootFolderMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Uids given to jobs when the grader is root: a range no login account uses.</summary>
    private const int FirstJobUid = 0x4B00_0000;

    private JobFolder(string path, string submissionName, string testsName, int? uid)
    {
        Path = path;
        Uid = uid;
        SubmissionDll = System.IO.Path.Combine(path, submissionName + ".dll");
        TestsDll = System.IO.Path.Combine(path, testsName + ".dll");
    }

    public string Path { get; }

    public string SubmissionDll { get; }

    public string TestsDll { get; }

    /// <summary>The host uid the job's runs use (its files are owned by it); null when the grader is not root and runs keep its uid.</summary>
    public int? Uid { get; }

    /// <summary>The folder all jobs live in (root-owned, 0711: jobs can be entered by name, never listed).</summary>
    public static string Root => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kataserver-jobs");

    public static JobFolder Create(CompiledAssembly submission, CompiledAssembly tests)
    {
        Directory.CreateDirectory(Root);
        TrySetMode(Root, RootFolderMode);
        var path = System.IO.Path.Combine(Root, Guid.NewGuid().ToString("N"));
        int? uid = OperatingSystem.IsLinux() && Environment.UserName == "root"
            ? FirstJobUid + System.Security.Cryptography.RandomNumberGenerator.GetInt32(1 << 24) : null;
        var folder = new JobFolder(path, submission.Name, tests.Name, uid);
        folder.CreatePrivate(path, directory: true);
        folder.Write(submission.Name, submission);
        folder.Write(tests.Name, tests);
        return folder;
    }

    /// <summary>Owned by the job's uid (when there is one), readable by it alone.</summary>
    private void CreatePrivate(string path, bool directory)
    {
        if (directory) Directory.CreateDirectory(path);
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(path, directory ? OwnerOnlyFolder : OwnerOnlyFile);
        if (Uid is { } uid && Sandbox.Native.chown(path, uid, uid) != 0)
            throw new IOException($"cannot give {path} to the job's uid {uid}");
    }

    private static void TrySetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) return;
        try { File.SetUnixFileMode(path, mode); }
        catch (UnauthorizedAccessException) { } // another user's root folder: our job folders are private anyway
    }

    private void Write(string name, CompiledAssembly assembly)
    {
        WriteFile(name + ".dll", assembly.Dll);
        WriteFile(name + ".pdb", assembly.Pdb);
    }

    private void WriteFile(string name, byte[] bytes)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, bytes);
        CreatePrivate(file, directory: false);
    }

    /// <summary>The instrumented copies for the explorer (same assembly names, so in their own folder).</summary>
    public JobFolder? Instrumented { get; private set; }

    public void AddInstrumented(CompiledAssembly submission, CompiledAssembly tests) => Instrumented = AddChild("instrumented", submission, tests);

    /// <summary>The kata's reference and the tests compiled against it, for throughput measurement.</summary>
    public JobFolder? Reference { get; private set; }

    public void AddReference(CompiledAssembly reference, CompiledAssembly tests) => Reference = AddChild("reference", reference, tests);

    /// <summary>A sub-folder for another pair of assemblies with the same names as this job's.</summary>
    private JobFolder AddChild(string name, CompiledAssembly submission, CompiledAssembly tests)
    {
        var child = new JobFolder(System.IO.Path.Combine(Path, name), submission.Name, tests.Name, Uid);
        child.CreatePrivate(child.Path, directory: true);
        child.Write(submission.Name, submission);
        child.Write(tests.Name, tests);
        return child;
    }

    public RunRequest Request(string learnerFileName) => new() { SubmissionFileName = learnerFileName };

    /// <summary>What a run of <paramref name="request"/> is given on its standard input: the request, this folder's
    /// submission and tests, and for a measure run the reference and the tests compiled against it.</summary>
    public RunInput Input(RunRequest request)
    {
        var parts = new Dictionary<string, byte[]>
        {
            [RunInput.SubmissionDll] = File.ReadAllBytes(SubmissionDll),
            [RunInput.SubmissionPdb] = File.ReadAllBytes(System.IO.Path.ChangeExtension(SubmissionDll, ".pdb")),
            [RunInput.TestsDll] = File.ReadAllBytes(TestsDll),
            [RunInput.TestsPdb] = File.ReadAllBytes(System.IO.Path.ChangeExtension(TestsDll, ".pdb")),
        };
        if (request.Mode == RunMode.Measure)
        {
            var reference = Reference ?? throw new InvalidOperationException("a measure run needs the reference (AddReference first)");
            parts[RunInput.ReferenceDll] = File.ReadAllBytes(reference.SubmissionDll);
            parts[RunInput.ReferencePdb] = File.ReadAllBytes(System.IO.Path.ChangeExtension(reference.SubmissionDll, ".pdb"));
            parts[RunInput.ReferenceTestsDll] = File.ReadAllBytes(reference.TestsDll);
            parts[RunInput.ReferenceTestsPdb] = File.ReadAllBytes(System.IO.Path.ChangeExtension(reference.TestsDll, ".pdb"));
        }
        return new RunInput(request, parts);
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
