using KataServer.Testing.Linearizability;

namespace KataServer.Testing.Tests.Linearizability;

internal static class CheckerTestHelpers
{
    public static LinearizabilityResult AssertLinearizable<TState>(ISequentialModel<TState> model, History history)
    {
        var result = LinearizabilityChecker.Check(model, history);
        Assert.True(result.IsLinearizable, result.Explanation + "\n" + history);
        Assert.False(result.TimedOut);
        AssertValidWitness(model, history, result.Linearization);
        return result;
    }

    public static LinearizabilityResult AssertNotLinearizable<TState>(ISequentialModel<TState> model, History history)
    {
        var result = LinearizabilityChecker.Check(model, history);
        Assert.False(result.IsLinearizable, "expected a violation\n" + history);
        Assert.False(result.TimedOut);
        Assert.True(result.IsViolation);
        Assert.NotNull(result.Unexplained);
        return result;
    }

    /// <summary>The witness contains every completed op, respects real time, and replays on the model.</summary>
    public static void AssertValidWitness<TState>(ISequentialModel<TState> model, History history, IReadOnlyList<Operation> witness)
    {
        var ids = witness.Select(o => o.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var op in history.Operations.Where(o => !o.IsPending))
        {
            Assert.Contains(op.Id, ids);
        }

        if (model.Partition(history.Operations) is { } parts)
        {
            // The witness is the concatenation of each part's order: check real time within a part.
            var part = parts.SelectMany((ops, index) => ops.Select(o => (o.Id, index))).ToDictionary(x => x.Id, x => x.index);
            witness = witness.Where(o => part[o.Id] == part[witness[0].Id]).ToList();
        }

        for (var i = 0; i < witness.Count; i++)
        {
            for (var j = i + 1; j < witness.Count; j++)
            {
                // witness[j] placed after witness[i]: it must not have returned before witness[i] was called.
                Assert.False(witness[j].ReturnTime is { } r && r < witness[i].CallTime, $"real-time order broken: {witness[j]} before {witness[i]}");
            }
        }

        if (model.Partition(history.Operations) is null)
        {
            var state = model.Init();
            foreach (var op in witness)
            {
                var (ok, next) = model.Step(state, op.ToCall());
                Assert.True(ok, "witness does not replay at " + op);
                state = next;
            }
        }
    }

    /// <summary>Reference answer by brute force over all orders (small histories only).</summary>
    public static bool BruteForce<TState>(ISequentialModel<TState> model, History history)
    {
        var ops = history.Operations;
        var used = new bool[ops.Count];
        var completed = ops.Count(o => !o.IsPending);

        bool Search(TState state, int linearizedCompleted)
        {
            if (linearizedCompleted == completed)
            {
                return true;
            }

            for (var i = 0; i < ops.Count; i++)
            {
                if (used[i])
                {
                    continue;
                }

                // i may go next only if no unused completed op returned before i was called.
                var minimal = true;
                for (var j = 0; j < ops.Count && minimal; j++)
                {
                    if (!used[j] && j != i && ops[j].ReturnTime is { } r && r < ops[i].CallTime)
                    {
                        minimal = false;
                    }
                }

                if (!minimal)
                {
                    continue;
                }

                var (ok, next) = model.Step(state, ops[i].ToCall());
                if (!ok)
                {
                    continue;
                }

                used[i] = true;
                var found = Search(next, linearizedCompleted + (ops[i].IsPending ? 0 : 1));
                used[i] = false;
                if (found)
                {
                    return true;
                }
            }

            return false;
        }

        return Search(model.Init(), 0);
    }
}
