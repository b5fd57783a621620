using System.Text.Json;
using KataServer.Compilation;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Runs;

/// <summary>
/// A private folder holding one grading job's compiled assemblies and run requests. The sandboxed
/// runner sees it read-only. Deleted when disposed.
/// </summary>
public sealed class JobFolder : IDisposable
{
    private const UnixFileMode ReadableByRunner =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private JobFolder(string path, string submissionName, string testsName)
    {
        Path = path;
        SubmissionDll = System.IO.Path.Combine(path, submissionName + ".dll");
        TestsDll = System.IO.Path.Combine(path, testsName + ".dll");
    }

    public string Path { get; }

    public string SubmissionDll { get; }

    public string TestsDll { get; }

    public static JobFolder Create(CompiledAssembly submission, CompiledAssembly tests)
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kataserver-jobs");
        var path = System.IO.Path.Combine(root, Guid.NewGuid().ToString("N"));
        CreateReadableByRunner(root);
        CreateReadableByRunner(path);
        var folder = new JobFolder(path, submission.Name, tests.Name);
        folder.Write(submission.Name, submission);
        folder.Write(tests.Name, tests);
        return folder;
    }

    /// <summary>The runner runs as another user (uid 65534 in the sandbox): it must be able to enter and read.</summary>
    private static void CreateReadableByRunner(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, ReadableByRunner);
    }

    private void Write(string name, CompiledAssembly assembly)
    {
        File.WriteAllBytes(System.IO.Path.Combine(Path, name + ".dll"), assembly.Dll);
        File.WriteAllBytes(System.IO.Path.Combine(Path, name + ".pdb"), assembly.Pdb);
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
        var path = System.IO.Path.Combine(Path, name);
        CreateReadableByRunner(path);
        var child = new JobFolder(path, submission.Name, tests.Name);
        child.Write(submission.Name, submission);
        child.Write(tests.Name, tests);
        return child;
    }

    public RunRequest Request(string learnerFileName) => new()
    {
        SubmissionAssembly = SubmissionDll,
        TestsAssembly = TestsDll,
        SubmissionFileName = learnerFileName,
    };

    /// <summary>Writes the request for one run and returns its path.</summary>
    public string WriteRequest(RunRequest request)
    {
        var path = System.IO.Path.Combine(Path, $"request-{request.Mode.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(request, ProtocolJson.Options));
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
