using System.Text;

namespace KataServer.Testing.Linearizability;

/// <summary>Limits for one check; the checker never runs past them.</summary>
public sealed record CheckOptions
{
    public static readonly CheckOptions Default = new();

    /// <summary>Wall-clock budget for the whole check (all partitions). Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Budget of model steps for the whole check. Default 50 million.</summary>
    public long MaxSteps { get; init; } = 50_000_000;

    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// For blocking objects (a bounded buffer's Put/Take), whose runs end with a watchdog long enough
    /// that "still running" means "blocked": an operation that never returned is taken to have had no
    /// effect, and the model must refuse it in the final state (a Take stuck while the buffer holds an
    /// item is a lost wake-up, so a violation). Off by default: a pending call may or may not have
    /// taken effect, and its final state is not judged.
    /// </summary>
    public bool PendingMustBeBlocked { get; init; }
}

/// <summary>The verdict of a linearizability check.</summary>
public sealed record LinearizabilityResult
{
    /// <summary>True only when a linearization was found for every partition.</summary>
    public required bool IsLinearizable { get; init; }

    /// <summary>The budget ran out before a verdict (then <see cref="IsLinearizable"/> is false, but nothing was proven wrong).</summary>
    public bool TimedOut { get; init; }

    /// <summary>Proven not linearizable.</summary>
    public bool IsViolation => !IsLinearizable && !TimedOut;

    public required History History { get; init; }

    /// <summary>
    /// When linearizable: a witness order (pending operations that took effect included; those that
    /// did not are absent). For a partitioned history it is each part's order, one part after the
    /// other (real-time order holds within a part). On a violation: the longest linearizable order found in the failing partition.
    /// </summary>
    public IReadOnlyList<Operation> Linearization { get; init; } = [];

    /// <summary>On a violation: the operation whose result could not be explained after <see cref="Linearization"/>.</summary>
    public Operation? Unexplained { get; init; }

    /// <summary>On a violation: the model state after <see cref="Linearization"/>, described for a learner.</summary>
    public string? StateAfterLinearization { get; init; }

    /// <summary>On a violation: the operations of the failing partition (the whole history when not partitioned).</summary>
    public IReadOnlyList<Operation> FailingPartition { get; init; } = [];

    /// <summary>On a violation, when the model can say it in plain words: why the history is impossible.</summary>
    public string? Diagnosis { get; init; }

    public string ModelName { get; init; } = "object";

    public int Partitions { get; init; } = 1;

    public long Steps { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>A learner-readable explanation.</summary>
    public string Explanation => Explain();

    public override string ToString() => Explanation;

    private string Explain()
    {
        if (IsLinearizable)
        {
            return $"Linearizable: the {History.Count} operations can be put in one sequential order of a {ModelName} that gives every recorded result.";
        }

        if (TimedOut)
        {
            return $"Undecided: the checker stopped after {Steps} steps ({Elapsed.TotalMilliseconds:F0} ms) without a verdict.";
        }

        var sb = new StringBuilder();
        sb.Append("Not linearizable: no sequential order of these operations can produce these results");
        sb.Append(Partitions > 1 ? $" (looking only at the {FailingPartition.Count} operations on the same key).\n" : ".\n");
        if (Unexplained is { } u)
        {
            if (u.IsPending)
            {
                sb.Append("The call that cannot be explained: ").Append(History.ThreadName(u.ThreadId)).Append(": ")
                  .Append(Values.FormatCall(u.Name, u.Argument)).Append(" never returned, although it could have completed.\n");
            }
            else
            {
                sb.Append("The result that cannot be explained: ").Append(History.ThreadName(u.ThreadId)).Append(": ")
                  .Append(Values.FormatCall(u.Name, u.Argument))
                  .Append(u.Result is NoResult ? " returned" : " returned " + Values.Format(u.Result)).Append('\n');
            }
        }

        if (StateAfterLinearization is null)
        {
            // Proven by the model's diagnosis alone (the search ran out of budget).
            sb.Append("In short: ").Append(Diagnosis);
            return sb.ToString();
        }

        if (Linearization.Count == 0)
        {
            sb.Append($"It cannot be explained even as the first operation on a new {ModelName}");
        }
        else
        {
            sb.Append($"The longest order the checker could explain ({Linearization.Count} of {FailingPartition.Count} operations):\n");
            for (var i = 0; i < Linearization.Count; i++)
            {
                sb.Append("  ").Append(i + 1).Append(". ").Append(History.Describe(Linearization[i])).Append('\n');
            }

            sb.Append($"After that order the {ModelName} is {StateAfterLinearization}; the result above cannot come next, and no other order gets further");
        }

        sb.Append(StateAfterLinearization is not null && Linearization.Count == 0 ? $" ({ModelName}: {StateAfterLinearization})." : ".");
        if (Diagnosis is not null)
        {
            sb.Append("\nIn short: ").Append(Diagnosis);
        }

        return sb.ToString();
    }
}
