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
        yield return ["long string concat", "public class A { public string F() => \"a\"" + string.Concat(Enumerable.Repeat(" + \"a\"", 40000)) + "; }"];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hostile_shape_is_compiled_and_policed_without_crashing(string name, string source)
    {
        Assert.True(source.Length < SubmissionLimits.DefaultMaxBytes, name);
        var outcome = Check.Compiler.CompileSubmission(source);
        // Either it compiles or it reports errors; what matters is that we are still here.
        Assert.NotNull(outcome.Diagnostics);
        try
        {
            _ = PolicyChecker.Check(outcome.Compilation, ApiPolicy.Default);
        }
        catch (InsufficientExecutionStackException)
        {
            // Acceptable: the caller reports "too complex"; the process survives.
        }
    }
}
