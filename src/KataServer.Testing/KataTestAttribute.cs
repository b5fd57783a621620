namespace KataServer.Testing;

/// <summary>
/// Marks a hidden kata test: a public static method with no parameters returning void or Task,
/// in a public class of the kata's test files. Each call must build fresh state, because the runner
/// calls it many times: once per schedule under the explorer, once per iteration under stress.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class KataTestAttribute : Attribute
{
    /// <summary>What the test checks, in the learner's terms (shown in the report).</summary>
    public string? Description { get; init; }

    /// <summary>Run this test under the systematic schedule explorer.</summary>
    public bool Explore { get; init; } = true;

    /// <summary>Run this test on real threads, many iterations.</summary>
    public bool Stress { get; init; } = true;

    /// <summary>Relative weight of this test's iterations within the kata's stress budget (1 = normal).</summary>
    public int StressWeight { get; init; } = 1;
}
