using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using KataServer.Common;

namespace KataServer.Compilation;

public sealed record KataCompilerOptions
{
    public static KataCompilerOptions Default { get; } = new();

    /// <summary>
    /// Global usings added to every compilation, as the SDK's ImplicitUsings does for a library
    /// (minus System.IO and System.Net.Http, which no kata may use anyway).
    /// </summary>
    public ImmutableArray<string> ImplicitUsings { get; init; } =
        ["System", "System.Collections.Generic", "System.Linq", "System.Threading", "System.Threading.Tasks"];

    /// <summary>Embed the learner's source in the submission PDB (the explorer's traces can show it).</summary>
    public bool EmbedSubmissionSource { get; init; } = true;

    /// <summary>
    /// Longest a single compile may take (enforced by a watchdog; time the process spends waiting for a CPU on a
    /// busy machine is not counted, see <see cref="KataServer.Common.StarvationAwareClock"/>). Hostile code can make the
    /// compiler work exponentially (nested lambdas with overloads); past this the compile is abandoned
    /// and the learner told so.
    /// </summary>
    public TimeSpan CompileTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deepest bracket nesting accepted in a learner file, checked before parsing (see <see cref="SyntaxLimits"/>).</summary>
    public int MaxBracketDepth { get; init; } = SyntaxLimits.DefaultMaxBracketDepth;

    /// <summary>Most <c>&lt;</c> accepted in one statement, checked before parsing (see <see cref="SyntaxLimits"/>).</summary>
    public int MaxAnglesPerStatement { get; init; } = SyntaxLimits.DefaultMaxAnglesPerStatement;

    /// <summary>Deepest lambda / anonymous-method nesting accepted (overload resolution is exponential in it).</summary>
    public int MaxLambdaDepth { get; init; } = SyntaxLimits.DefaultMaxLambdaDepth;

    /// <summary>
    /// Stack of the thread each compile runs on: Roslyn recurses per nesting level, and a stack overflow
    /// ends the whole process. 16 MiB (vs 1.5 MiB for a pool thread) on top of the nesting limits.
    /// </summary>
    public int CompileThreadStackBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest syntax nesting accepted in a learner file (see <see cref="SyntaxLimits"/>).</summary>
    public int MaxSyntaxDepth { get; init; } = SyntaxLimits.DefaultMaxDepth;

    /// <summary>Framework references; null = <see cref="ReferenceAssemblies.Default"/>.</summary>
    public ReferenceAssemblies? References { get; init; }
}

/// <summary>
/// A warm Roslyn compiler: the reference set and options are built once and shared; every method
/// is thread-safe (compilations are immutable), so one instance serves a whole worker.
/// </summary>
public sealed class KataCompiler
{
    private const string ImplicitUsingsPath = "KataGlobalUsings.g.cs";

    private static readonly Lazy<KataCompiler> s_shared = new(() => new KataCompiler(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Compilations created in this process (the benchmark uses it to tell a cold run from a warm one).</summary>
    internal static int s_compilations;

    private readonly ConcurrentDictionary<string, MetadataReference> _extraReferences = new(StringComparer.Ordinal);
    private readonly SyntaxTree? _implicitUsingsTree;

    public KataCompiler(KataCompilerOptions? options = null)
    {
        Options = options ?? KataCompilerOptions.Default;
        References = Options.References ?? ReferenceAssemblies.Default;

        ParseOptions = new CSharpParseOptions(
            languageVersion: LanguageVersion.Latest,
            documentationMode: DocumentationMode.None,
            kind: SourceCodeKind.Regular);

        CompilationOptions = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                // Debug, not Release: the optimizer may keep a field in a register, merge reads or drop
                // dead stores and temporaries. The Rewriting step instruments every field read/write and
                // every sync call so the explorer can interleave at them; Debug IL keeps each source-level
                // access as its own instruction, with sequence points mapping it to the learner's line.
                optimizationLevel: OptimizationLevel.Debug,
                allowUnsafe: false,
                deterministic: true,
                // One file per compile: the parallel binder only adds thread hand-offs on 2 shared cores.
                concurrentBuild: false,
                checkOverflow: false,
                platform: Platform.AnyCpu,
                metadataImportOptions: MetadataImportOptions.Public)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                // Assembly-version unification noise between reference assemblies.
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

        if (!Options.ImplicitUsings.IsDefaultOrEmpty)
        {
            string text = string.Concat(Options.ImplicitUsings.Select(u => $"global using global::{u};\n"));
            _implicitUsingsTree = CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8), ParseOptions, ImplicitUsingsPath);
        }
    }

    /// <summary>A process-wide instance (created on first use).</summary>
    public static KataCompiler Shared => s_shared.Value;

    public KataCompilerOptions Options { get; }

    public ReferenceAssemblies References { get; }

    public CSharpParseOptions ParseOptions { get; }

    public CSharpCompilationOptions CompilationOptions { get; }

    /// <summary>Path of the generated global-usings file (skip it when showing files to people).</summary>
    public static string ImplicitUsingsFile => ImplicitUsingsPath;

    /// <summary>
    /// Compiles (and emits) a tiny file and runs the policy check on it, so that Roslyn's code is jitted
    /// and the reference metadata is read before the first learner arrives. Returns the time it took.
    /// </summary>
    public TimeSpan WarmUp()
    {
        var sw = Stopwatch.StartNew();
        const string warm = """
            public sealed class WarmUp
            {
                private readonly object _gate = new();
                private int _n;
                public async Task<int> RunAsync()
                {
                    lock (_gate) { _n++; }
                    Interlocked.Increment(ref _n);
                    await Task.Yield();
                    return new[] { 1, 2, 3 }.Where(x => x > _n).Sum() + $"{_n}".Length;
                }
            }
            """;
        var outcome = CompileSubmission(warm, "WarmUp.cs", "WarmUp");
        if (!outcome.Success)
            throw new InvalidOperationException("The warm-up file did not compile: " + string.Join("; ", outcome.Diagnostics));
        // The policy walk uses semantic-model paths emit does not: warm them too.
        _ = Policy.PolicyChecker.Check(outcome.Compilation, Policy.ApiPolicy.Default);
        return sw.Elapsed;
    }

    public SyntaxTree Parse(string text, string path, bool embeddable = true)
        => CSharpSyntaxTree.ParseText(
            embeddable ? SourceText.From(text, Encoding.UTF8, SourceHashAlgorithm.Sha256) : SourceText.From(text, Encoding.UTF8),
            ParseOptions, path);

    /// <summary>Creates (does not emit) a compilation of the given files against the framework and extra references.</summary>
    public CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees, string assemblyName, IEnumerable<MetadataReference>? extraReferences = null)
    {
        var all = _implicitUsingsTree is null ? trees : trees.Prepend(_implicitUsingsTree);
        Interlocked.Increment(ref s_compilations);
        var refs = extraReferences is null ? (IEnumerable<MetadataReference>)References.References : References.References.Concat(extraReferences);
        return CSharpCompilation.Create(assemblyName, all, refs, CompilationOptions);
    }

    /// <summary>
    /// Creates (does not emit) a compilation of learner code: against the trimmed framework set the policy
    /// can reach (<see cref="ReferenceAssemblies.ForLearner"/>), no extra references.
    /// </summary>
    public CSharpCompilation CreateSubmissionCompilation(IEnumerable<SyntaxTree> trees, string assemblyName, Policy.ApiPolicy? policy = null)
    {
        var all = _implicitUsingsTree is null ? trees : trees.Prepend(_implicitUsingsTree);
        Interlocked.Increment(ref s_compilations);
        return CSharpCompilation.Create(assemblyName, all, References.ForLearner(policy), CompilationOptions);
    }

    /// <summary>
    /// Compiles the learner's single file on its own, against the references <paramref name="policy"/> (default:
    /// <see cref="Policy.ApiPolicy.Default"/>) can reach. The hidden tests are compiled later with the full set.
    /// </summary>
    public CompilationOutcome CompileSubmission(string source, string fileName = "Submission.cs", string assemblyName = "Submission",
        CancellationToken cancellationToken = default, Policy.ApiPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sw = Stopwatch.StartNew();
        return RunGuarded(token => CompileSubmissionCore(source, fileName, assemblyName, policy, token), cancellationToken)
               ?? TimedOut(CreateSubmissionCompilation([], assemblyName, policy), sw.Elapsed);
    }

    private CompilationOutcome CompileSubmissionCore(string source, string fileName, string assemblyName, Policy.ApiPolicy? policy, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        if (TooDeepBrackets(source, fileName) is { } brackets)
            return new CompilationOutcome(false, null, [brackets], CreateSubmissionCompilation([], assemblyName, policy), sw.Elapsed);
        var tree = Parse(source, fileName);
        var compilation = CreateSubmissionCompilation([tree], assemblyName, policy);
        // Before any semantic analysis: pathological nesting can overflow the compiler's stack and kill the process.
        if (SyntaxLimits.Check(tree, Options.MaxSyntaxDepth, Options.MaxLambdaDepth, cancellationToken) is { } tooDeep)
            return new CompilationOutcome(false, null, [tooDeep], compilation, sw.Elapsed);
        var embedded = Options.EmbedSubmissionSource ? new[] { EmbeddedText.FromSource(fileName, tree.GetText(cancellationToken)) } : null;
        // Time is up when RunGuarded cancels the token: it then reports the timeout itself.
        var (assembly, diagnostics) = Emit(compilation, embedded, cancellationToken);
        if (assembly is null)
        {
            var (refused, explained) = ExplainTrimmedReferences(tree, assemblyName, policy, diagnostics, cancellationToken);
            if (refused.Count > 0)
            {
                return new CompilationOutcome(false, null,
                    [.. refused.Select(SubmissionAnalyzer.ToDiagnostic), .. ToDiagnostics(diagnostics.Where(d => !explained.Contains(d)))],
                    compilation, sw.Elapsed) { PolicyViolations = refused };
            }
        }
        return new CompilationOutcome(assembly is not null, assembly, ToDiagnostics(diagnostics), compilation, sw.Elapsed);
    }

    /// <summary>Errors of a name the compiler could not find: what code naming an API outside the trimmed reference set gets.</summary>
    private static readonly HashSet<string> UnresolvedNameIds = new(StringComparer.Ordinal)
    {
        "CS0012", "CS0103", "CS0117", "CS0234", "CS0246", "CS0400", "CS0518", "CS1061", "CS1069", "CS7069",
    };

    /// <summary>
    /// Learner code that names an API outside the trimmed reference set does not compile; the learner should
    /// read why, not "the type or namespace 'Tar' does not exist". For each unresolved-name error that the full
    /// framework set resolves, the policy findings on that line (checked on a compilation against the full set,
    /// which is never emitted), or an "outside the allow-list" finding when the checker has none there.
    /// Returns the findings and the compiler errors they replace.
    /// </summary>
    internal (IReadOnlyList<Policy.PolicyViolation> Refused, HashSet<Diagnostic> Explained) ExplainTrimmedReferences(
        SyntaxTree tree, string assemblyName, Policy.ApiPolicy? policy, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var unresolved = diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && UnresolvedNameIds.Contains(d.Id) && d.Location.SourceTree == tree)
            .ToList();
        if (unresolved.Count == 0) return ([], []);
        var full = CreateCompilation([tree], assemblyName);
        var fullErrors = full.GetDiagnostics(cancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == tree)
            .Select(d => d.Location.SourceSpan)
            .ToHashSet();
        var caused = unresolved.Where(d => !fullErrors.Contains(d.Location.SourceSpan)).ToHashSet();
        if (caused.Count == 0) return ([], []);
        var violations = Policy.PolicyChecker.Check(full, policy ?? Policy.ApiPolicy.Default, t => t == tree, cancellationToken,
            Options.MaxSyntaxDepth, Options.MaxLambdaDepth).ToList();
        var rule = Policy.ApiPolicy.UnlistedRule;
        foreach (var d in caused)
        {
            var span = d.Location.GetMappedLineSpan();
            int line = span.StartLinePosition.Line + 1;
            if (violations.Any(v => v.Line == line)) continue;
            // The whole dotted name (`System.Net.Sockets`, not `Sockets`), judged by the policy when it can name a rule.
            var node = tree.GetRoot(cancellationToken).FindNode(d.Location.SourceSpan, getInnermostNodeForTie: true);
            while (node.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.QualifiedNameSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.AliasQualifiedNameSyntax
                   || node.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access && access.Name == node)
                node = node.Parent;
            string name = node.ToString().Replace("global::", "", StringComparison.Ordinal);
            var decision = (policy ?? Policy.ApiPolicy.Default).Evaluate(name);
            var why = decision.Denied ? decision.Rule! : rule;
            violations.Add(new Policy.PolicyViolation(why, name, $"line {line}: `{name}` is not allowed ({why.Name}).", line, span.StartLinePosition.Character + 1) { File = span.Path });
        }
        return (violations.OrderBy(v => v.Line).ThenBy(v => v.Column).ToList(), caused);
    }

    public const string CompileTimeoutId = "KATA-COMPILE-TIMEOUT";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static int s_runaway;

    /// <summary>
    /// Compiles abandoned by the watchdog that may still be running: Roslyn does not check cancellation
    /// everywhere (overload resolution over nested lambdas can run for hours), and a thread cannot be
    /// aborted. A host should recycle its worker process when this is above zero.
    /// </summary>
    public static int RunawayCompilations => Volatile.Read(ref s_runaway);

    /// <summary>
    /// Runs <paramref name="work"/> on a dedicated thread with a large stack and waits at most
    /// <see cref="KataCompilerOptions.CompileTimeout"/>. Returns null when the time is up (the work is
    /// cancelled and abandoned; see <see cref="RunawayCompilations"/>). Exceptions are rethrown; the
    /// caller's cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public T? RunGuarded<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(work);
        // Not disposed when the work is abandoned: the runaway thread still uses both.
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var done = new ManualResetEventSlim(false);
        T? result = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work(cts.Token);
            }
            catch (Exception e)
            {
                error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                done.Set();
            }
        }, Options.CompileThreadStackBytes)
        {
            IsBackground = true,
            Name = "kata-compile",
        };
        thread.Start();

        bool finished;
        try
        {
            var clock = new StarvationAwareClock();
            while (!(finished = done.Wait(Min(PollInterval, Options.CompileTimeout - clock.Elapsed), cancellationToken))
                   && clock.Sample() < Options.CompileTimeout)
            {
            }
        }
        catch (OperationCanceledException)
        {
            cts.Cancel();
            throw;
        }
        if (!finished)
        {
            cts.Cancel();
            Interlocked.Increment(ref s_runaway);
            return null;
        }
        cts.Dispose();
        error?.Throw();
        return result;
    }

    /// <summary>The checks that run before parsing (bracket nesting, `&lt;` per statement; see <see cref="SyntaxLimits"/>), as a diagnostic.</summary>
    public CompilerDiagnostic? TooDeepBrackets(string source, string fileName)
    {
        var (at, kind) = SyntaxLimits.Scan(source, Options.MaxBracketDepth, Options.MaxAnglesPerStatement);
        if (at < 0) return null;
        int line = 1, lineStart = 0;
        for (int i = 0; i < at; i++)
        {
            if (source[i] == '\n') { line++; lineStart = i + 1; }
        }
        return new CompilerDiagnostic(DiagnosticSeverityLevel.Error, SyntaxLimits.TooComplexId,
            (kind == "angles"
                ? $"line {line}: one statement of your code has more than {Options.MaxAnglesPerStatement} `<` (comparisons or generic arguments). "
                : $"line {line}: your code nests brackets more than {Options.MaxBracketDepth} levels deep. ") +
            "The grader refuses such code to protect itself; split it into smaller methods or expressions.",
            fileName, line, at - lineStart + 1);
    }

    private CompilationOutcome TimedOut(CSharpCompilation compilation, TimeSpan elapsed)
        => new(false, null,
            [new CompilerDiagnostic(DiagnosticSeverityLevel.Error, CompileTimeoutId,
                $"Your code took longer than {Options.CompileTimeout.TotalSeconds:0} s to compile, so it was stopped. Simplify deeply nested lambdas or generic calls.",
                null, 0, 0)],
            compilation, elapsed);

    /// <summary>
    /// Compiles the hidden tests against an already compiled submission. When they do not compile,
    /// the outcome is a contract mismatch described in learner terms (no test source or paths).
    /// </summary>
    /// <param name="contractReference">
    /// Optional: the kata's reference solution, compiled. With it, mismatches are named precisely
    /// (<see cref="ContractChecker"/>); without it they are inferred from the test errors.
    /// </param>
    public CompilationOutcome CompileTests(
        IReadOnlyList<SourceFile> testSources,
        CompiledAssembly submission,
        IReadOnlyList<string> extraReferencePaths,
        string assemblyName = "KataTests",
        CSharpCompilation? contractReference = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(testSources);
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(extraReferencePaths);
        var sw = Stopwatch.StartNew();
        return RunGuarded(token => CompileTestsCore(testSources, submission, extraReferencePaths, assemblyName, contractReference, token), cancellationToken)
               ?? TimedOut(CreateCompilation([], assemblyName), sw.Elapsed);
    }

    private CompilationOutcome CompileTestsCore(
        IReadOnlyList<SourceFile> testSources,
        CompiledAssembly submission,
        IReadOnlyList<string> extraReferencePaths,
        string assemblyName,
        CSharpCompilation? contractReference,
        CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();

        var submissionRef = MetadataReference.CreateFromImage(submission.Dll, filePath: submission.Name + ".dll");
        var extras = extraReferencePaths.Select(GetExtraReference).Prepend(submissionRef).ToList();
        var trees = testSources.Select(s => Parse(s.Text, s.Path, embeddable: false)).ToList();
        // Import internal types of the submission too, so an `internal class Bank` is reported as
        // "must be public" rather than "missing".
        var compilation = CreateCompilation(trees, assemblyName, extras)
            .WithOptions(CompilationOptions.WithMetadataImportOptions(MetadataImportOptions.Internal));
        var submissionAssembly = compilation.GetAssemblyOrModuleSymbol(submissionRef) as IAssemblySymbol;

        var (assembly, diagnostics) = Emit(compilation, null, cancellationToken);
        var testFiles = new HashSet<string>(testSources.Select(s => s.Path), StringComparer.Ordinal);

        if (assembly is not null)
        {
            // Compiled. Still refuse a submission whose global types hide the names the tests import
            // (a learner `Assert` or `Task` class would otherwise silently replace the real one).
            var shadows = submissionAssembly is null ? [] : ShadowingCheck.Find(compilation, trees, submissionAssembly,
                contractReference?.Assembly.GlobalNamespace.GetTypeMembers().Select(t => t.Name).ToHashSet(StringComparer.Ordinal));
            var warnings = new List<CompilerDiagnostic>();
            if (contractReference is not null && submissionAssembly is not null)
            {
                warnings.AddRange(ContractChecker.Compare(contractReference.Assembly, submissionAssembly)
                    .Select(p => p.ToDiagnostic(DiagnosticSeverityLevel.Warning)));
            }
            if (shadows.Count > 0)
            {
                return new CompilationOutcome(false, null, [.. shadows, .. warnings], compilation, sw.Elapsed) { IsContractMismatch = true };
            }
            // Warnings in hidden test files are not the learner's business; only contract notes are shown.
            return new CompilationOutcome(true, assembly, warnings, compilation, sw.Elapsed);
        }

        var explained = new List<CompilerDiagnostic>();
        if (contractReference is not null && submissionAssembly is not null)
        {
            explained.AddRange(ContractChecker.Compare(contractReference.Assembly, submissionAssembly)
                .Select(p => p.ToDiagnostic(DiagnosticSeverityLevel.Error)));
        }
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        bool anyInTests = errors.Any(d => IsInFiles(d, testFiles));
        if (anyInTests)
        {
            var fromTests = ContractMismatchTranslator.Translate(compilation, errors.Where(d => IsInFiles(d, testFiles)), submissionAssembly);
            // The precise checker already named what it found; add only what it missed. Once it found something, an
            // inferred message that names no member of the learner's code is the hidden tests' own error echoing the
            // same mismatch ("Operator '&&' cannot be applied to ... 'void'"): it would only confuse.
            bool checkerFoundSome = explained.Count > 0;
            foreach (var d in fromTests)
            {
                if (checkerFoundSome && !d.Message.Contains('`')) continue;
                if (!explained.Any(e => Covers(e, d))) explained.Add(d);
            }
        }
        // Errors outside the test files (missing extra reference, ...) are the grader's problem; keep them as they are.
        explained.AddRange(ToDiagnostics(errors.Where(d => !IsInFiles(d, testFiles))));
        if (explained.Count == 0)
        {
            explained.Add(new CompilerDiagnostic(DiagnosticSeverityLevel.Error, ContractMismatchTranslator.ContractId,
                "Your code does not match the kata contract: the hidden tests could not be compiled against it.", null, 0, 0));
        }
        return new CompilationOutcome(false, null, explained, compilation, sw.Elapsed) { IsContractMismatch = anyInTests };
    }

    private static bool Covers(CompilerDiagnostic precise, CompilerDiagnostic inferred)
        => inferred.Message.Contains('`')
           && precise.Message.Contains(inferred.Message.Split('`')[1], StringComparison.Ordinal);

    private MetadataReference GetExtraReference(string path)
        => _extraReferences.GetOrAdd(Path.GetFullPath(path), p =>
        {
            if (!File.Exists(p)) throw new FileNotFoundException($"Extra reference not found: {p}", p);
            return MetadataReference.CreateFromFile(p);
        });

    private static bool IsInFiles(Diagnostic d, HashSet<string> files)
        => d.Location.IsInSource && files.Contains(d.Location.SourceTree?.FilePath ?? "");

    private static (CompiledAssembly? Assembly, ImmutableArray<Diagnostic> Diagnostics) Emit(
        CSharpCompilation compilation, IEnumerable<EmbeddedText>? embedded, CancellationToken cancellationToken)
    {
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = compilation.Emit(
            pe,
            pdb,
            options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: compilation.AssemblyName + ".pdb"),
            embeddedTexts: embedded,
            cancellationToken: cancellationToken);
        var assembly = result.Success ? new CompiledAssembly(compilation.AssemblyName!, pe.ToArray(), pdb.ToArray()) : null;
        return (assembly, result.Diagnostics);
    }

    internal static IReadOnlyList<CompilerDiagnostic> ToDiagnostics(IEnumerable<Diagnostic> diagnostics)
        => diagnostics
            .Where(d => d.Severity != DiagnosticSeverity.Hidden && !d.IsSuppressed)
            .OrderBy(d => d.Severity == DiagnosticSeverity.Error ? 0 : 1)
            .ThenBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .Select(ToDiagnostic)
            .ToList();

    internal static CompilerDiagnostic ToDiagnostic(Diagnostic d)
    {
        var severity = d.Severity switch
        {
            DiagnosticSeverity.Error => DiagnosticSeverityLevel.Error,
            DiagnosticSeverity.Warning => DiagnosticSeverityLevel.Warning,
            _ => DiagnosticSeverityLevel.Info,
        };
        string message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (!d.Location.IsInSource) return new CompilerDiagnostic(severity, d.Id, message, null, 0, 0);
        var span = d.Location.GetMappedLineSpan();
        return new CompilerDiagnostic(severity, d.Id, message, span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
    }
}
