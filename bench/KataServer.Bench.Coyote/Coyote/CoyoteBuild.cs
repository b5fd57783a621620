using System.Diagnostics;
using KataServer.Compilation;
using KataServer.Katas;
using KataServer.Testing;
using Microsoft.CodeAnalysis;

namespace KataServer.Bench.Coyote.Coyote;

/// <summary>
/// Builds a mutant for Coyote: the mutant, the kata's test files and the harness compiled into one assembly with
/// our Roslyn settings, then rewritten in place by the `coyote rewrite` tool (Microsoft.Coyote.CLI 1.7.11, pinned in
/// the repository's dotnet-tools.json). The kata test bodies are unchanged: the harness runs them with a
/// <see cref="Concurrent"/> driver of Coyote-controlled tasks.
/// </summary>
public sealed class CoyoteBuild(string workDirectory, string repositoryRoot)
{
    private static readonly string HarnessSource = ReadHarness();

    public sealed record Built(string AssemblyPath, IReadOnlyList<string> UncontrolledApis);

    /// <param name="solution">A mutant's source, or the kata's reference solution.</param>
    public Built Build(Kata kata, string solutionName, SourceText solution)
    {
        var name = $"CoyoteKata_{Sanitize(kata.Id)}_{Sanitize(solutionName)}";
        var folder = Path.Combine(workDirectory, name);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);

        var compiler = KataCompiler.Shared;
        var trees = new List<SyntaxTree> { compiler.Parse(solution.Text, Path.GetFileName(solution.Path)) };
        trees.AddRange(kata.Tests.Select(test => compiler.Parse(test.Text, Path.GetFileName(test.Path))));
        trees.Add(compiler.Parse(HarnessSource, "CoyoteKataHarness.cs"));
        var testing = typeof(Concurrent).Assembly.Location;
        var compilation = compiler.CreateCompilation(trees, name, [MetadataReference.CreateFromFile(testing)]);

        var assemblyPath = Path.Combine(folder, name + ".dll");
        using (var output = File.Create(assemblyPath))
        {
            var emitted = compilation.Emit(output);
            var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0) throw new BenchFailure($"{kata.Id}/{solutionName} does not compile for Coyote: {errors[0]}");
        }

        // The rewriter resolves the assembly's references from its folder.
        File.Copy(testing, Path.Combine(folder, Path.GetFileName(testing)));
        Rewrite(assemblyPath);
        var uncontrolled = CoyoteCoverage.UncontrolledApis(compilation, trees.Take(trees.Count - 1));
        return new Built(assemblyPath, uncontrolled);
    }

    private void Rewrite(string assemblyPath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repositoryRoot, // where dotnet-tools.json pins the tool
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "tool", "run", "coyote", "--", "rewrite", assemblyPath }) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ROLL_FORWARD"] = "Major"; // the tool targets net8.0; only net10.0 is installed
        start.Environment["COYOTE_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new BenchFailure("could not start `dotnet tool run coyote`");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new BenchFailure($"coyote rewrite of {assemblyPath} took over 5 minutes");
        }

        if (process.ExitCode != 0)
            throw new BenchFailure($"coyote rewrite failed (exit {process.ExitCode}); run `dotnet tool restore` in {repositoryRoot}:\n{stdout.Result}{stderr.Result}");
    }

    private static string ReadHarness()
    {
        using var stream = typeof(CoyoteBuild).Assembly.GetManifestResourceStream("CoyoteKataHarness.cs")
            ?? throw new InvalidOperationException("the harness source is not embedded");
        return new StreamReader(stream).ReadToEnd();
    }

    private static string Sanitize(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}

/// <summary>The benchmark cannot go on (a build, the tool, a child process): the message says what and where.</summary>
public sealed class BenchFailure(string message) : Exception(message);
