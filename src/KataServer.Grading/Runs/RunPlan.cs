using KataServer.Testing;
using Microsoft.CodeAnalysis;

namespace KataServer.Grading.Runs;

/// <summary>One hidden test as the grader knows it from the tests' compilation (not from what the runner says).</summary>
public sealed record PlannedTest(string Name, bool Explore, bool Stress);

/// <summary>
/// What the grader asked one run for, so that what comes back can be checked against it: every test it asked for
/// reports exactly once, skips only where the test's own attribute says so, benchmarks and thread counts are the
/// ones asked for.
/// </summary>
public sealed record RunPlan(IReadOnlyList<PlannedTest> Tests, IReadOnlyList<string> Benchmarks, IReadOnlyList<int> Threads)
{
    /// <summary>The [KataTest] methods the runner discovers (public static, no parameters, in public types), and the
    /// [KataBenchmark] methods, read from the compiled tests.</summary>
    public static RunPlan From(Microsoft.CodeAnalysis.Compilation tests, IReadOnlyList<string> onlyTests, IReadOnlyList<int> threads)
    {
        static bool Reachable(IMethodSymbol m)
        {
            if (!m.IsStatic || m.DeclaredAccessibility != Accessibility.Public) return false;
            for (var type = m.ContainingType; type is not null; type = type.ContainingType)
                if (type.DeclaredAccessibility != Accessibility.Public) return false;
            return true;
        }

        static bool Flag(AttributeData a, string name) =>
            a.NamedArguments.FirstOrDefault(n => n.Key == name).Value.Value is not bool b || b;

        var planned = Pipeline.TestMethods.MarkedWith(tests, nameof(KataTestAttribute))
            .Where(m => Reachable(m) && m.Parameters.Length == 0)
            .Where(m => onlyTests.Count == 0 || onlyTests.Contains(m.Name))
            .Select(m => (m.Name, Attribute: m.GetAttributes().First(a => a.AttributeClass?.Name == nameof(KataTestAttribute))))
            .Select(p => new PlannedTest(p.Name, Flag(p.Attribute, nameof(KataTestAttribute.Explore)), Flag(p.Attribute, nameof(KataTestAttribute.Stress))))
            .ToList();
        var benchmarks = Pipeline.TestMethods.MarkedWith(tests, nameof(KataBenchmarkAttribute))
            .Where(m => Reachable(m)).Select(m => m.Name).Distinct().ToList();
        return new RunPlan(planned, benchmarks, threads);
    }
}
