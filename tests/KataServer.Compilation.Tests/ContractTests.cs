using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;

namespace KataServer.Compilation.Tests;

public class ContractTests(ITestOutputHelper output)
{
    private const string Reference = """
        public sealed class Bank
        {
            public Bank(int accountCount, long initialBalance) { }
            public bool Transfer(int from, int to, long amount) => true;
            public long BalanceOf(int account) => 0;
            public long TotalBalance() => 0;
        }
        """;

    private static readonly SourceFile[] Tests =
    [
        new("hidden/BankTests.cs", """
            public static class BankTests
            {
                public static void SecretTestName()
                {
                    var bank = new Bank(4, 100);
                    bool ok = bank.Transfer(0, 1, 50);
                    long total = bank.TotalBalance();
                    long one = bank.BalanceOf(1);
                    if (!ok || total != 400 || one != 150) throw new System.Exception("secret-assertion-text");
                }
            }
            """),
    ];

    private static CompiledAssembly CompileOk(string source)
    {
        var outcome = Check.Compiler.CompileSubmission(source);
        Assert.True(outcome.Success, string.Join("\n", outcome.Diagnostics));
        return outcome.Assembly!;
    }

    private static CSharpCompilation ReferenceCompilation() => Check.Compiler.CompileSubmission(Reference, "Reference.cs", "Reference").Compilation;

    private void AssertNoHiddenDetails(CompilationOutcome outcome)
    {
        foreach (var d in outcome.Diagnostics)
        {
            output.WriteLine(d.ToString());
            Assert.DoesNotContain("hidden/", d.ToString());
            Assert.DoesNotContain("BankTests", d.ToString());
            Assert.DoesNotContain("SecretTestName", d.ToString());
            Assert.DoesNotContain("secret-assertion-text", d.ToString());
            Assert.NotEqual("hidden/BankTests.cs", d.File);
        }
    }

    [Fact]
    public void Matching_submission_compiles_tests()
    {
        var outcome = Check.Compiler.CompileTests(Tests, CompileOk(Reference), [], contractReference: ReferenceCompilation());
        Assert.True(outcome.Success, string.Join("\n", outcome.Diagnostics));
        Assert.False(outcome.IsContractMismatch);
        Assert.Empty(outcome.Diagnostics);
        Assert.NotNull(outcome.Assembly);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Missing_member_is_named(bool withReference)
    {
        var submission = CompileOk(Reference.Replace("    public long TotalBalance() => 0;\n", ""));
        var outcome = Check.Compiler.CompileTests(Tests, submission, [], contractReference: withReference ? ReferenceCompilation() : null);
        Assert.False(outcome.Success);
        Assert.True(outcome.IsContractMismatch);
        var message = string.Join("\n", outcome.Diagnostics.Select(d => d.Message));
        Assert.Contains("Your code does not match the kata contract", message);
        Assert.Contains("`Bank.TotalBalance", message);
        Assert.Contains("is missing", message);
        AssertNoHiddenDetails(outcome);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wrong_return_type_is_named(bool withReference)
    {
        var submission = CompileOk(Reference.Replace("public bool Transfer(int from, int to, long amount) => true;", "public int Transfer(int from, int to, long amount) => 1;"));
        var outcome = Check.Compiler.CompileTests(Tests, submission, [], contractReference: withReference ? ReferenceCompilation() : null);
        Assert.False(outcome.Success);
        Assert.True(outcome.IsContractMismatch);
        var message = string.Join("\n", outcome.Diagnostics.Select(d => d.Message));
        Assert.Contains("`Bank.Transfer`", message);
        if (withReference) Assert.Contains("must return `bool`, yours returns `int`", message);
        else Assert.Contains("returns `int`", message);
        AssertNoHiddenDetails(outcome);
    }

    [Fact]
    public void A_void_return_is_named_once_without_the_hidden_tests_own_error()
    {
        SourceFile[] tests = [new("hidden/BankTests.cs", """
            public static class BankTests
            {
                public static bool SecretTestName() => new Bank(2, 10).Transfer(0, 1, 5) && true;
            }
            """)];
        var submission = CompileOk(Reference.Replace("public bool Transfer(int from, int to, long amount) => true;", "public void Transfer(int from, int to, long amount) { }"));

        var outcome = Check.Compiler.CompileTests(tests, submission, [], contractReference: ReferenceCompilation());

        Assert.False(outcome.Success);
        var message = Assert.Single(outcome.Diagnostics).Message;
        Assert.Contains("must return `bool`, yours returns `void`", message);
        Assert.DoesNotContain("Operator", message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Missing_type_and_internal_type_are_named(bool withReference)
    {
        var renamed = Check.Compiler.CompileTests(Tests, CompileOk(Reference.Replace("class Bank", "class Banq").Replace("public Bank(", "public Banq(")), [],
            contractReference: withReference ? ReferenceCompilation() : null);
        Assert.Contains(renamed.Diagnostics, d => d.Message.Contains("`Bank` is missing"));
        AssertNoHiddenDetails(renamed);

        var isInternal = Check.Compiler.CompileTests(Tests, CompileOk(Reference.Replace("public sealed class", "internal sealed class")), [],
            contractReference: withReference ? ReferenceCompilation() : null);
        Assert.False(isInternal.Success);
        Assert.Contains(isInternal.Diagnostics, d => d.Message.Contains("`Bank`") && (d.Message.Contains("must be `public`") || d.Message.Contains("is missing")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Type_inside_a_namespace_is_explained(bool withReference)
    {
        var submission = CompileOk("namespace MyKata {\n" + Reference + "\n}\n");
        var outcome = Check.Compiler.CompileTests(Tests, submission, [], contractReference: withReference ? ReferenceCompilation() : null);
        Assert.False(outcome.Success);
        Assert.Contains(outcome.Diagnostics, d => d.Message.Contains("`Bank` is declared inside the namespace `MyKata`"));
        AssertNoHiddenDetails(outcome);
    }

    [Fact]
    public void Internal_type_is_asked_to_be_public()
    {
        var outcome = Check.Compiler.CompileTests(Tests, CompileOk(Reference.Replace("public sealed class", "internal sealed class")), []);
        Assert.False(outcome.Success);
        Assert.Contains(outcome.Diagnostics, d => d.Message.Contains("`Bank` must be `public`") || d.Message.Contains("must be `public`"));
        AssertNoHiddenDetails(outcome);
    }

    [Fact]
    public void Wrong_parameter_types_and_constructor_are_named()
    {
        var submission = CompileOk(Reference.Replace("public Bank(int accountCount, long initialBalance)", "public Bank(int accountCount)")
            .Replace("public long BalanceOf(int account)", "public long BalanceOf(string account)"));
        var outcome = Check.Compiler.CompileTests(Tests, submission, []);
        var message = string.Join("\n", outcome.Diagnostics.Select(d => d.Message));
        Assert.Contains("`Bank` needs a public constructor", message);
        Assert.Contains("`Bank.BalanceOf`", message);
        AssertNoHiddenDetails(outcome);

        var precise = ContractChecker.Compare(ReferenceCompilation(), Check.Compiler.CompileSubmission(
            Reference.Replace("public Bank(int accountCount, long initialBalance)", "public Bank(int accountCount)")
                .Replace("public long BalanceOf(int account)", "public long BalanceOf(string account)")).Compilation);
        Assert.Contains(precise, p => p.Message.Contains("needs a public constructor `Bank(int accountCount, long initialBalance)`"));
        Assert.Contains(precise, p => p.Message.Contains("`Bank.BalanceOf` is declared differently") && p.Line > 0);
    }

    [Fact]
    public void Checker_covers_static_generics_constraints_properties_and_optional_parameters()
    {
        const string reference = """
            public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
            {
                public ReadThroughCache(System.Func<TKey, TValue> load) { }
                public TValue Get(TKey key) => default!;
                public int Count { get; }
            }
            public static class ParallelMap
            {
                public static System.Threading.Tasks.Task<TOut[]> MapAsync<TIn, TOut>(System.Collections.Generic.IReadOnlyList<TIn> items, int maxParallelism,
                    System.Func<TIn, System.Threading.CancellationToken, System.Threading.Tasks.Task<TOut>> body, System.Threading.CancellationToken cancellationToken = default) => null!;
            }
            public sealed class LockFreeStack<T>
            {
                public bool TryPop(out T item) { item = default!; return false; }
                public bool IsEmpty { get; }
            }
            """;
        const string submission = """
            public sealed class ReadThroughCache<TKey, TValue> where TKey : class
            {
                public ReadThroughCache(System.Func<TKey, TValue> load) { }
                public TValue Get(TKey key) => default!;
                public int Count { private get; set; }
            }
            public class ParallelMap
            {
                public System.Threading.Tasks.Task<TOut[]> MapAsync<TIn, TOut>(System.Collections.Generic.IReadOnlyList<TIn> items, int maxParallelism,
                    System.Func<TIn, System.Threading.CancellationToken, System.Threading.Tasks.Task<TOut>> body, System.Threading.CancellationToken cancellationToken) => null!;
            }
            public sealed class LockFreeStack<T>
            {
                public bool TryPop(ref T item) { return false; }
                public bool IsEmpty() => true;
            }
            """;
        var problems = ContractChecker.Compare(Check.Compile(reference), Check.Compile(submission)).Select(p => p.Message).ToList();
        problems.ForEach(output.WriteLine);
        string all = string.Join("\n", problems);
        Assert.Contains("type parameter `TKey` of `ReadThroughCache<TKey, TValue>` must not have the constraint `class`", all);
        Assert.Contains("`ReadThroughCache<TKey, TValue>.Count` needs a public `get` accessor", all);
        Assert.Contains("`ParallelMap.MapAsync`", all);
        Assert.Contains("`LockFreeStack<T>.TryPop`", all);
        Assert.Contains("`LockFreeStack<T>.IsEmpty` must be a property", all);
        Assert.Equal(5, problems.Count);

        Assert.Empty(ContractChecker.Compare(Check.Compile(reference), Check.Compile(reference)));
    }

    [Fact]
    public void Extra_helpers_and_nullability_differences_are_fine()
    {
        const string reference = "public sealed class Inventory { public Inventory(System.Collections.Generic.IReadOnlyDictionary<string, int> stock) { } public int Available(string sku) => 0; }";
        const string submission = "public sealed class Inventory { public Inventory(System.Collections.Generic.IReadOnlyDictionary<string, int>? stock) { } public int Available(string? sku) => 0; public void Extra() { } } public class Helper { }";
        Assert.Empty(ContractChecker.Compare(Check.Compile(reference), Check.Compile(submission)));
    }

    [Fact]
    public void Submission_type_hiding_a_test_library_type_is_refused()
    {
        // A tiny stand-in for the grader's test library, emitted to a temp file.
        var lib = Check.Compiler.CompileSubmission("namespace Lib { public static class Assert { public static void True(bool c) { if (!c) throw new System.Exception(); } } }", "Lib.cs", "TestLib");
        Assert.True(lib.Success);
        string libPath = Path.Combine(Path.GetTempPath(), $"kata-testlib-{Guid.NewGuid():N}.dll");
        File.WriteAllBytes(libPath, lib.Assembly!.Dll);
        try
        {
            SourceFile[] tests = [new("hidden/T.cs", "using Lib;\npublic static class T { public static void Run() { Assert.True(new Bank(1, 1).TotalBalance() == 1); } }")];
            var honest = Check.Compiler.CompileTests(tests, CompileOk(Reference), [libPath]);
            Assert.True(honest.Success, string.Join("\n", honest.Diagnostics));

            var spoof = CompileOk(Reference + "\npublic static class Assert { public static void True(bool c) { } }\n");
            var outcome = Check.Compiler.CompileTests(tests, spoof, [libPath]);
            Assert.False(outcome.Success);
            Assert.True(outcome.IsContractMismatch);
            Assert.Contains(outcome.Diagnostics, d => d.Message.Contains("type named `Assert`"));
        }
        finally
        {
            File.Delete(libPath);
        }
    }

    [Fact]
    public void Submission_extension_method_hijacking_a_test_helper_is_refused()
    {
        var lib = Check.Compiler.CompileSubmission("namespace Lib { public static class Should { public static void ShouldBe<T>(this T actual, T expected) { if (!Equals(actual, expected)) throw new System.Exception(); } } }", "Lib.cs", "TestLib2");
        string libPath = Path.Combine(Path.GetTempPath(), $"kata-testlib-{Guid.NewGuid():N}.dll");
        File.WriteAllBytes(libPath, lib.Assembly!.Dll);
        try
        {
            SourceFile[] tests = [new("hidden/T.cs", "using Lib;\npublic static class T { public static void Run() { new Bank(1, 1).TotalBalance().ShouldBe(1L); } }")];
            Assert.True(Check.Compiler.CompileTests(tests, CompileOk(Reference), [libPath]).Success);
            var evil = CompileOk(Reference + "\npublic static class Evil { public static void ShouldBe(this long actual, long expected) { } }\n");
            var outcome = Check.Compiler.CompileTests(tests, evil, [libPath]);
            Assert.False(outcome.Success);
            Assert.Contains(outcome.Diagnostics, d => d.Message.Contains("extension method `Evil.ShouldBe`"));
        }
        finally
        {
            File.Delete(libPath);
        }
    }

    [Fact]
    public void Framework_name_clash_is_refused_only_when_the_contract_is_known()
    {
        SourceFile[] tests = [new("hidden/T.cs", "using System.Threading.Tasks;\npublic static class T { public static void Run() { Task.Run(() => new Bank(1, 1).TotalBalance()); } }")];
        var spoof = CompileOk(Reference + "\npublic static class Task { public static void Run(System.Func<long> f) { } }\n");
        var outcome = Check.Compiler.CompileTests(tests, spoof, [], contractReference: ReferenceCompilation());
        Assert.False(outcome.Success);
        Assert.Contains(outcome.Diagnostics, d => d.Message.Contains("type named `Task`"));
    }
}
