using System.Text;

namespace KataServer.Testing.Linearizability;

/// <summary>One operation of a scenario: a name (matching an <see cref="OperationSpec{TTarget}"/>) and its argument.</summary>
public sealed record ScenarioOp(string Name, object? Argument = null)
{
    public override string ToString() => Values.FormatCall(Name, Argument);
}

/// <summary>
/// A Lincheck-style scenario: <see cref="InitPart"/> runs first on one thread, then the threads of
/// <see cref="ParallelPart"/> run at the same time, then <see cref="PostPart"/> runs on one thread.
/// </summary>
public sealed record Scenario(
    IReadOnlyList<ScenarioOp> InitPart,
    IReadOnlyList<IReadOnlyList<ScenarioOp>> ParallelPart,
    IReadOnlyList<ScenarioOp> PostPart)
{
    public int Threads => ParallelPart.Count;

    public int OperationCount => InitPart.Count + PostPart.Count + ParallelPart.Sum(t => t.Count);

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("init: [").Append(string.Join(", ", InitPart)).Append("]; ");
        for (var t = 0; t < ParallelPart.Count; t++)
        {
            sb.Append("thread ").Append(t + 1).Append(": [").Append(string.Join(", ", ParallelPart[t])).Append("]; ");
        }

        return sb.Append("post: [").Append(string.Join(", ", PostPart)).Append(']').ToString();
    }
}

/// <summary>
/// An operation a kata declares on its target type: how to make a random argument (null for none)
/// and how to call it. <paramref name="Invoke"/> returns the result to record; return
/// <see cref="NoResult.Value"/> (or use <see cref="Void"/>) for void calls. An exception thrown by
/// Invoke is recorded as a <see cref="Thrown"/> result.
/// </summary>
public sealed record OperationSpec<TTarget>(string Name, Func<Random, object?>? ArgGen, Func<TTarget, object?, object?> Invoke)
{
    /// <summary>Relative frequency in generated scenarios (default 1).</summary>
    public double Weight { get; init; } = 1;

    /// <summary>A void operation.</summary>
    public static OperationSpec<TTarget> Void(string name, Func<Random, object?>? argGen, Action<TTarget, object?> invoke)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        return new OperationSpec<TTarget>(name, argGen, (t, a) =>
        {
            invoke(t, a);
            return NoResult.Value;
        });
    }
}

/// <summary>Shape of generated scenarios.</summary>
public sealed record ScenarioShape
{
    public int Threads { get; init; } = 3;

    public int OpsPerThread { get; init; } = 5;

    public int InitOps { get; init; } = 2;

    public int PostOps { get; init; }
}

/// <summary>Generates random scenarios, deterministically from a seed.</summary>
public sealed class ScenarioGenerator<TTarget>
{
    private readonly OperationSpec<TTarget>[] specs;
    private readonly double totalWeight;

    public ScenarioGenerator(IEnumerable<OperationSpec<TTarget>> operations, ScenarioShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(operations);
        specs = operations.ToArray();
        if (specs.Length == 0)
        {
            throw new ArgumentException("no operations", nameof(operations));
        }

        totalWeight = specs.Sum(s => s.Weight);
        Shape = shape ?? new ScenarioShape();
    }

    public ScenarioShape Shape { get; }

    public Scenario Generate(int seed) => Generate(new Random(seed));

    public Scenario Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var init = Ops(random, Shape.InitOps);
        var parallel = new IReadOnlyList<ScenarioOp>[Shape.Threads];
        for (var t = 0; t < parallel.Length; t++)
        {
            parallel[t] = Ops(random, Shape.OpsPerThread);
        }

        return new Scenario(init, parallel, Ops(random, Shape.PostOps));
    }

    private ScenarioOp[] Ops(Random random, int count)
    {
        var ops = new ScenarioOp[count];
        for (var i = 0; i < count; i++)
        {
            var x = random.NextDouble() * totalWeight;
            var spec = specs[^1];
            foreach (var s in specs)
            {
                if (x < s.Weight)
                {
                    spec = s;
                    break;
                }

                x -= s.Weight;
            }

            ops[i] = new ScenarioOp(spec.Name, spec.ArgGen?.Invoke(random));
        }

        return ops;
    }
}
