using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace KataServer.Compilation.Tests;

/// <summary>
/// The ten fixed contracts of KATAS.md, turned into reference stubs, against every corpus solution
/// (correct and buggy alike implement the contract): the checker must find nothing to complain about.
/// </summary>
public partial class KatasContractTests(ITestOutputHelper output)
{
    private static Dictionary<string, string> ContractStubs()
    {
        string katas = Corpus.ContractsFile;
        string text = File.ReadAllText(katas);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Section().Matches(text))
        {
            // "public bool Transfer(int from, int to, long amount); // comment" -> "... => throw null!;"
            string code = Declaration().Replace(m.Groups["code"].Value, ") => throw null!;");
            result[m.Groups["id"].Value] = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n" + code;
        }
        return result;
    }

    [GeneratedRegex(@"### `(?<id>[a-z-]+)`[^\n]*\n```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Section();

    [GeneratedRegex(@"\);[ \t]*(//[^\n]*)?$", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    [Fact]
    public void Every_corpus_solution_matches_its_kata_contract()
    {
        var stubs = ContractStubs();
        Assert.Equal(10, stubs.Count);
        var problems = new List<string>();
        int compared = 0;
        foreach (var (kata, stub) in stubs)
        {
            var reference = Check.Compiler.CompileSubmission(stub, kata + ".ref.cs", "Reference");
            Assert.True(reference.Success, kata + ": " + string.Join("; ", reference.Errors));
            string dir = Path.Combine(Corpus.Dir, kata);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.GetFiles(dir, "*.cs"))
            {
                var submission = Check.Compile(File.ReadAllText(file));
                compared++;
                foreach (var p in ContractChecker.Compare(reference.Compilation, submission))
                    problems.Add($"{kata}/{Path.GetFileName(file)}: {p.Message}");
            }
        }
        output.WriteLine($"{compared} solutions compared");
        Assert.True(compared >= 20);
        Assert.Empty(problems);
    }

    [Fact]
    public void Hidden_style_tests_compile_against_every_correct_corpus_solution()
    {
        // A test in the style of the hidden ones, using the whole deadlock-transfer contract.
        SourceFile[] tests = [new("hidden/BankTests.cs", """
            public static class BankTests
            {
                public static bool Run()
                {
                    var bank = new Bank(2, 10);
                    bool moved = bank.Transfer(0, 1, 5);
                    return moved && bank.BalanceOf(1) == 15 && bank.TotalBalance() == 20;
                }
            }
            """)];
        var stub = ContractStubs()["deadlock-transfer"];
        var reference = Check.Compiler.CompileSubmission(stub, "ref.cs", "Reference").Compilation;
        foreach (var file in Directory.GetFiles(Corpus.Require("deadlock-transfer"), "*.cs")
                     .Concat(Directory.GetFiles(Corpus.Require("adversarial"), "*.cs")))
        {
            var submission = Check.Compiler.CompileSubmission(File.ReadAllText(file));
            if (!submission.Success && submission.PolicyViolations.Count > 0 && file.Contains("adversarial", StringComparison.Ordinal)) continue;
            Assert.True(submission.Success, file);
            var outcome = Check.Compiler.CompileTests(tests, submission.Assembly!, [], contractReference: reference);
            Assert.True(outcome.Success, file + ": " + string.Join("; ", outcome.Diagnostics));
            Assert.Empty(outcome.Diagnostics);
        }
    }
}
