using KataServer.Compilation.Policy;

namespace KataServer.Compilation.Tests;

/// <summary>
/// Hostile shapes aimed at the grader process itself (a stack overflow there would take the grader
/// down): compiling and policing them must end with diagnostics, never a crash. Each stays within
/// the 256 KiB input limit.
/// </summary>
public class DeepNestingTests
{
    public static IEnumerable<object[]> Shapes()
    {
        yield return ["nested parentheses", "public class A { public int F() => " + new string('(', 20000) + "1" + new string(')', 20000) + "; }"];
        yield return ["long binary chain", "public class A { public int F() => 1" + string.Concat(Enumerable.Repeat(" + 1", 40000)) + "; }"];
        yield return ["nested lambdas", "public class A { public object F() => " + string.Concat(Enumerable.Repeat("(System.Func<object>)(() => ", 3000)) + "1" + new string(')', 6000) + "; }"];
        yield return ["nested blocks", "public class A { public void F() { " + new string('{', 20000) + new string('}', 20000) + " } }"];
        yield return ["nested generics", "public class A<T> { public A<" + string.Concat(Enumerable.Repeat("A<", 3000)) + "int" + new string('>', 3000) + "> F; }"];
        yield return ["nested conditionals", "public class A { public int F(bool c) => " + string.Concat(Enumerable.Repeat("c ? 1 : ", 20000)) + "0; }"];
        yield return ["nested ifs", "public class A { public void F(bool c) { " + string.Concat(Enumerable.Repeat("if (c) ", 20000)) + "; } }"];
        yield return ["else-if chain", "public class A { public int F(int c) { " + string.Concat(Enumerable.Range(0, 8000).Select(i => $"if (c == {i}) return {i}; else ")) + "return -1; } }"];
        yield return ["generic ambiguity chain", "public class A { public void F(int a) { G(" + string.Concat(Enumerable.Repeat("a < a, ", 20000)) + "a < a); } void G(params bool[] b) { } }"];
        yield return ["nested interpolated strings", "public class A { public string F() => " + string.Concat(Enumerable.Repeat("$\"{", 10000)) + "1" + string.Concat(Enumerable.Repeat("}\"", 10000)) + "; }"];
        yield return ["nested overloaded lambdas", "public class A { static int M(System.Func<int, int> f) => 0; static int M(System.Func<string, int> f) => 0; static int M(System.Func<long, int> f) => 0; public int F() => "
            + string.Concat(Enumerable.Range(0, 45).Select(i => $"M(x{i} => ")) + "0" + new string(')', 45) + "; }"];
        yield return ["long string concat", "public class A { public string F() => \"a\"" + string.Concat(Enumerable.Repeat(" + \"a\"", 40000)) + "; }"];
    }

    // Found by this test: 20,000 nested blocks crash the process with a stack overflow in Roslyn's
    // NullableWalker; 20,000 nested parentheses take ~90 s to parse, a 20,000-argument `a < a` list
    // 45 s (parsing cannot be cancelled), a 40,000-term `+` chain ~40 s, 45 nested lambdas over three
    // overloads never finish binding (cancellation is not checked there). All are now refused early.
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hostile_shape_is_refused_before_semantic_analysis(string name, string source)
    {
        Assert.True(source.Length < SubmissionLimits.DefaultMaxBytes, name);
        var outcome = Check.Compiler.CompileSubmission(source);
        Assert.False(outcome.Success);
        // Refused by our limits, or by the parser's own guard (CS8078, "expression too long or complex").
        Assert.Contains(outcome.Errors, d => d.Id is SyntaxLimits.TooComplexId or "CS8078");
        Assert.All(outcome.Errors.Where(d => d.Id == SyntaxLimits.TooComplexId), d => Assert.True(d.Line >= 1));

        // Policing the same compilation must not crash either (the Grader only does it after a success).
        _ = PolicyChecker.Check(outcome.Compilation, ApiPolicy.Default);
        Assert.Contains(SubmissionAnalyzer.Analyze(Check.Compiler, source, ApiPolicy.Default), x => x.Id is SyntaxLimits.TooComplexId or "CS8078");
    }

    [Fact]
    public void Bracket_scan_skips_strings_and_comments()
    {
        string deep = new('(', 150);
        Assert.Equal(-1, SyntaxLimits.FindTooDeepBrackets($"// {deep}\n/* {deep} */ var s = \"{deep}\"; var v = @\"{deep}\"\"\"; var r = \"\"\"\n{deep}\n\"\"\"; char c = '(';", 100));
        Assert.True(SyntaxLimits.FindTooDeepBrackets("var x = " + deep + ";", 100) > 0);
    }

    [Fact]
    public void Watchdog_abandons_work_past_the_time_limit()
    {
        var compiler = new KataCompiler(new KataCompilerOptions { CompileTimeout = TimeSpan.FromMilliseconds(200) });
        int before = KataCompiler.RunawayCompilations;
        // The work ends only after the watchdog has given up on it (or after a minute, when it failed to).
        using var released = new ManualResetEventSlim();
        var result = compiler.RunGuarded(token => { released.Wait(TimeSpan.FromSeconds(60)); return "late"; });
        released.Set();
        Assert.Null(result);
        Assert.True(KataCompiler.RunawayCompilations > before);
        Assert.Equal("ok", compiler.RunGuarded(token => "ok"));
        Assert.Throws<InvalidOperationException>(() => compiler.RunGuarded<string>(token => throw new InvalidOperationException("boom")));
    }

    [Fact]
    public void Lambdas_nested_within_the_limit_compile()
    {
        string nested = string.Concat(Enumerable.Range(0, 4).Select(i => $"Task.Run(() => ")) + "1" + new string(')', 4);
        var outcome = Check.Compiler.CompileSubmission("using System.Threading.Tasks; public class A { public Task<int> F() => " + nested + "; }");
        Assert.DoesNotContain(outcome.Diagnostics, d => d.Id == SyntaxLimits.TooComplexId);
    }

    [Fact]
    public void Angle_limit_counts_per_statement()
    {
        string many = string.Concat(Enumerable.Repeat("x < 1 && ", 60));
        Assert.Equal(-1, SyntaxLimits.Scan($"bool a = {many} true; bool b = {many} true;", 100, 100).Offset);
        Assert.Equal("angles", SyntaxLimits.Scan($"bool a = {many}{many} true;", 100, 100).Kind);
        Assert.Equal(-1, SyntaxLimits.Scan("var d = new Dictionary<string, List<Func<int, Task<bool>>>>();", 100, 100).Offset);
    }

    [Fact]
    public void Real_code_is_far_below_the_depth_limit()
    {
        int max = SyntaxLimits.MaxDepth(Check.Compiler.Parse(CompilationBenchmark.SampleSource, "a.cs")).Depth;
        foreach (var file in Corpus.Files())
        {
            string text = Corpus.Read(file);
            max = Math.Max(max, SyntaxLimits.MaxDepth(Check.Compiler.Parse(text, file)).Depth);
            Assert.Equal(-1, SyntaxLimits.Scan(text, SyntaxLimits.DefaultMaxBracketDepth / 5, SyntaxLimits.DefaultMaxAnglesPerStatement / 5).Offset);
        }
        Assert.True(max * 3 < SyntaxLimits.DefaultMaxDepth, $"deepest real file: {max}");
    }

    [Fact]
    public void Depth_just_under_the_limit_compiles()
    {
        // ~90 nested parentheses: silly but legal, and safe for the compiler.
        string source = "public class A { public int F() => " + new string('(', 90) + "1" + new string(')', 90) + "; }";
        var outcome = Check.Compiler.CompileSubmission(source);
        Assert.True(outcome.Success, string.Join("\n", outcome.Diagnostics));
        Assert.Empty(PolicyChecker.Check(outcome.Compilation, ApiPolicy.Default));
    }
}
