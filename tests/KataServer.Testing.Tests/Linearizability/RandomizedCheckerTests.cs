using KataServer.Testing.Linearizability;
using Xunit.Abstractions;
using static KataServer.Testing.Tests.Linearizability.CheckerTestHelpers;

namespace KataServer.Testing.Tests.Linearizability;

/// <summary>The checker agrees with a brute-force search on thousands of small random histories.</summary>
public class RandomizedCheckerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("stack")]
    [InlineData("queue")]
    [InlineData("register")]
    [InlineData("map")]
    [InlineData("unique-queue")]
    [InlineData("unique-stack")]
    [InlineData("buffer")]
    public void AgreesWithBruteForce(string kind)
    {
        var random = new Random(kind.Length * 7919);
        int linearizable = 0, violations = 0, constrained = 0;
        for (var iteration = 0; iteration < 1500; iteration++)
        {
            var history = Generate(kind, random);
            var constraints = kind switch
            {
                "buffer" => new BoundedBufferModel(2).MustPrecede(history.Operations),
                "stack" or "unique-stack" => new StackModel().MustPrecede(history.Operations),
                _ => new QueueModel().MustPrecede(history.Operations),
            };
            if (constraints?.Any() == true)
            {
                constrained++;
            }

            bool expected, actual;
            switch (kind)
            {
                case "stack":
                case "unique-stack":
                    expected = BruteForce(new StackModel(), history);
                    actual = Verify(new StackModel(), history, expected);
                    break;
                case "queue":
                case "unique-queue":
                    expected = BruteForce(new QueueModel(), history);
                    actual = Verify(new QueueModel(), history, expected);
                    break;
                case "buffer":
                    expected = BruteForce(new BoundedBufferModel(2), history);
                    actual = Verify(new BoundedBufferModel(2), history, expected);
                    break;
                case "register":
                    expected = BruteForce(new RegisterModel(0), history);
                    actual = Verify(new RegisterModel(0), history, expected);
                    break;
                default:
                    expected = BruteForce(new MapModel(), history);
                    actual = Verify(new MapModel(), history, expected);
                    break;
            }

            Assert.True(expected == actual, $"checker says {actual}, brute force says {expected}:\n{history}");
            if (expected)
            {
                linearizable++;
            }
            else
            {
                violations++;
            }
        }

        // The FIFO pruning is exercised by the unique-value histories.
        Assert.True(kind is not ("unique-queue" or "unique-stack" or "buffer") || constrained > 100, $"{constrained} histories with FIFO constraints");
        output.WriteLine($"{kind}: {linearizable} linearizable, {violations} violations, {constrained} with FIFO constraints");

        // Both verdicts are well represented.
        Assert.True(linearizable > 100, $"{linearizable} linearizable");
        Assert.True(violations > 100, $"{violations} violations");
    }

    /// <summary>The FIFO/LIFO pruning never changes a verdict: compare with the same model without it, on larger histories.</summary>
    [Theory]
    [InlineData("unique-queue")]
    [InlineData("unique-stack")]
    public void PruningAgreesWithUnprunedSearch(string kind)
    {
        var random = new Random(kind.Length * 31);
        var compared = 0;
        var violations = 0;
        for (var iteration = 0; iteration < 400; iteration++)
        {
            var history = Generate(kind, random, maxThreads: 6, maxOps: 6);
            var options = new CheckOptions { MaxSteps = 200_000 };
            LinearizabilityResult pruned, plain;
            if (kind == "unique-queue")
            {
                var model = new QueueModel();
                pruned = LinearizabilityChecker.Check(model, history, options);
                plain = LinearizabilityChecker.Check(Model.FromDelegate(model.Init(), model.Step), history, options);
            }
            else
            {
                var model = new StackModel();
                pruned = LinearizabilityChecker.Check(model, history, options);
                plain = LinearizabilityChecker.Check(Model.FromDelegate(model.Init(), model.Step), history, options);
            }

            if (pruned.TimedOut || plain.TimedOut)
            {
                continue;
            }

            compared++;
            violations += plain.IsLinearizable ? 0 : 1;
            Assert.True(pruned.IsLinearizable == plain.IsLinearizable, $"pruned {pruned.IsLinearizable}, plain {plain.IsLinearizable}:\n{history}");
        }

        output.WriteLine($"{kind}: {compared} compared, {violations} violations");
        Assert.True(compared > 300);
        Assert.True(violations > 30);
    }

    private static bool Verify<TState>(ISequentialModel<TState> model, History history, bool expected)
    {
        var result = LinearizabilityChecker.Check(model, history);
        Assert.False(result.TimedOut);
        if (result.IsLinearizable)
        {
            AssertValidWitness(model, history, result.Linearization);
        }
        else
        {
            Assert.NotNull(result.Unexplained);
            Assert.False(string.IsNullOrEmpty(result.Explanation));
        }

        return result.IsLinearizable;
    }

    /// <summary>
    /// Random intervals per thread; results computed from a sequential run at random points inside
    /// the intervals (so linearizable), then sometimes one result is corrupted, and sometimes a
    /// thread's last operation is left pending.
    /// </summary>
    private static History Generate(string kind, Random random, int maxThreads = 4, int maxOps = 3)
    {
        var threads = random.Next(2, maxThreads + 1);
        var unique = 0;
        var raw = new List<(int Thread, int Index, string Name, object? Arg, long Call, long Ret, double Point)>();
        for (var t = 0; t < threads; t++)
        {
            long time = random.Next(0, 4);
            var count = random.Next(1, maxOps + 1);
            for (var i = 0; i < count; i++)
            {
                var call = time + random.Next(0, 3);
                var ret = call + random.Next(1, 8);
                time = ret + 1;
                var (name, arg) = RandomCall(kind, random);
                if (kind is "unique-queue" or "unique-stack" or "buffer" && arg is int)
                {
                    arg = ++unique;
                }

                raw.Add((t, i, name, arg, call, ret, call + random.NextDouble() * (ret - call)));
            }
        }

        var results = new Dictionary<int, object?>();
        var stack = new Stack<int>();
        var queue = new Queue<int>();
        var register = 0;
        var map = new Dictionary<string, int>();
        foreach (var (op, index) in raw.Select((o, i) => (o, i)).OrderBy(x => x.o.Point))
        {
            object? result = NoResult.Value;
            switch (kind == "buffer" ? "b" + op.Name : op.Name)
            {
                case "Push": stack.Push((int)op.Arg!); break;
                case "TryPop": result = stack.TryPop(out var p) ? (true, p) : (false, 0); break;
                case "Enqueue": queue.Enqueue((int)op.Arg!); break;
                case "TryDequeue": result = queue.TryDequeue(out var d) ? (true, d) : (false, 0); break;
                case "bPut": // a put into a full buffer of capacity 2 could not complete: the model rejects it
                    queue.Enqueue((int)op.Arg!);
                    break;
                case "bTake": result = queue.TryDequeue(out var tk) ? tk : -1; break;
                case "Read": result = register; break;
                case "Write": register = (int)op.Arg!; break;
                case "Cas":
                    var (e, u) = ((int, int))op.Arg!;
                    result = register == e;
                    if (register == e)
                    {
                        register = u;
                    }

                    break;
                case "Get": result = map.TryGetValue((string)op.Arg!, out var v) ? (true, v) : (false, 0); break;
                case "Put": var (k, pv) = ((string, int))op.Arg!; map[k] = pv; break;
                case "Remove": result = map.Remove((string)op.Arg!); break;
            }

            results[index] = result;
        }

        if (random.Next(2) == 0)
        {
            var victim = random.Next(raw.Count);
            results[victim] = Corrupt(results[victim], random);
        }

        var pendingThread = random.Next(4) == 0 ? random.Next(threads) : -1;
        var ops = raw.Select((o, i) =>
        {
            var last = !raw.Any(x => x.Thread == o.Thread && x.Index > o.Index);
            var pending = o.Thread == pendingThread && last;
            return new Operation
            {
                ThreadId = o.Thread,
                Index = o.Index,
                Name = o.Name,
                Argument = o.Arg,
                Result = pending ? null : results[i],
                CallTime = o.Call,
                ReturnTime = pending ? null : o.Ret,
            };
        });
        return new History(ops);
    }

    private static object? Corrupt(object? result, Random random) => result switch
    {
        ValueTuple<bool, int> => random.Next(3) == 0 ? (false, 0) : (true, random.Next(1, 4)),
        bool b => !b,
        int => random.Next(0, 3),
        _ => result,
    };

    private static (string, object?) RandomCall(string kind, Random random)
    {
        var r = random.Next(3);
        return kind switch
        {
            "stack" or "unique-stack" => r == 0 ? ("TryPop", null) : ("Push", random.Next(1, 4)),
            "queue" or "unique-queue" => r == 0 ? ("TryDequeue", null) : ("Enqueue", random.Next(1, 4)),
            "buffer" => r == 0 ? ("Take", null) : ("Put", random.Next(1, 4)),
            "register" => r == 0 ? ("Read", null) : r == 1 ? ("Write", random.Next(0, 3)) : ("Cas", (random.Next(0, 3), random.Next(0, 3))),
            _ => r == 0 ? ("Get", Key(random)) : r == 1 ? ("Put", (Key(random), random.Next(0, 3))) : ("Remove", Key(random)),
        };
    }

    private static string Key(Random random) => random.Next(2) == 0 ? "a" : "b";
}
