using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace KataServer.Testing.Linearizability;

/// <summary>Sizes for <see cref="LinearizabilityBenchmark.Run(LinearizabilityBenchmark.Settings)"/>.</summary>
public static class LinearizabilityBenchmark
{
    public sealed record Settings
    {
        public static readonly Settings Full = new();

        /// <summary>Small sizes for a smoke test.</summary>
        public static readonly Settings Quick = new()
        {
            SmallScenarios = 5,
            SmallRepetitions = 20,
            LargeOperations = 2_000,
            RecorderOperations = 100_000,
            HardSizes = [60],
            HardTimeout = TimeSpan.FromMilliseconds(300),
        };

        public int SmallScenarios { get; init; } = 20;

        public int SmallRepetitions { get; init; } = 200;

        public int LargeOperations { get; init; } = 10_000;

        public int LargeThreads { get; init; } = 8;

        public int RecorderOperations { get; init; } = 1_000_000;

        /// <summary>Sizes of the high-overlap synthetic queue and stack histories (the hard case).</summary>
        public IReadOnlyList<int> HardSizes { get; init; } = [100, 10_000];

        /// <summary>Check budget for the hard case.</summary>
        public TimeSpan HardTimeout { get; init; } = TimeSpan.FromSeconds(3);
    }

    /// <summary>Runs the full benchmark; returns a markdown table.</summary>
    public static string Run() => Run(Settings.Full);

    public static string Run(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var rows = new List<(string What, string Size, string Result, string Target)>();
        var culture = CultureInfo.InvariantCulture;

        // 1. Small scenarios: 3 threads x 5 operations (+2 init), recorded on real threads.
        {
            var ops = new OperationSpec<LockedStack>[]
            {
                OperationSpec<LockedStack>.Void("Push", r => r.Next(1, 6), (s, a) => s.Push(a)),
                new("TryPop", null, (s, _) => s.TryPop()),
                new("IsEmpty", null, (s, _) => s.IsEmpty) { Weight = 0.5 },
            };
            var model = new StackModel();
            var runner = new ScenarioRunner<LockedStack>(() => new LockedStack(), ops, LinearizabilityChecker.CreateCheck(model));
            var gen = new ScenarioGenerator<LockedStack>(ops, new ScenarioShape { Threads = 3, OpsPerThread = 5, InitOps = 2 });
            var histories = Enumerable.Range(0, settings.SmallScenarios).Select(i => runner.Execute(gen.Generate(i)).History).ToList();
            histories.AddRange(Enumerable.Range(0, settings.SmallScenarios).Select(i => Synthetic.Stack(new Random(i), 3, 17, 8)));
            foreach (var h in histories)
            {
                LinearizabilityChecker.Check(model, h); // warm-up
            }

            var times = new List<double>();
            foreach (var h in histories)
            {
                var sw = Stopwatch.StartNew();
                for (var r = 0; r < settings.SmallRepetitions; r++)
                {
                    LinearizabilityChecker.Check(model, h);
                }

                times.Add(sw.Elapsed.TotalMicroseconds / settings.SmallRepetitions);
            }

            times.Sort();
            rows.Add((
                "check one 3-thread x 5-op scenario (stack, +2 init ops; half recorded on real threads, half synthetic with every op overlapping)",
                $"{histories.Count} histories x {settings.SmallRepetitions}",
                $"median {times[times.Count / 2].ToString("F1", culture)} µs, max {times[^1].ToString("F1", culture)} µs",
                "< 1 ms"));
        }

        // 2. Large histories of 8 threads.
        {
            var n = settings.LargeOperations;
            var t = settings.LargeThreads;
            var stack = Record(t, n / t, queue: false);
            rows.Add(TimeCheck(new StackModel(), stack, $"{n}-op stack history recorded from {t} real threads (lock-based stack, random Thread.Yield inside ops; each op overlaps {Overlap(stack).ToString("F1", culture)} others on average)", culture));
            var queue = Record(t, n / t, queue: true);
            rows.Add(TimeCheck(new QueueModel(), queue, $"{n}-op queue history recorded the same way (overlap {Overlap(queue).ToString("F1", culture)})", culture));
            var broken = Corrupt(queue);
            rows.Add(TimeCheck(new QueueModel(), broken, "the same queue history with its last successful dequeue changed to a value never enqueued (a violation: the search must exhaust)", culture, settings.HardTimeout));
            var map = Synthetic.Map(new Random(3), t, n, 6, 20);
            rows.Add(TimeCheck(new MapModel(), map, $"{n}-op map history, {t} threads, 20 keys (partitioned by key), synthetic: each op overlaps {Overlap(map).ToString("F1", culture)} others", culture));
            var counter = Synthetic.Counter(new Random(4), t, n, 6);
            rows.Add(TimeCheck(new CounterModel(), counter, $"{n}-op counter history (Increment/Get), {t} threads, synthetic, overlap {Overlap(counter).ToString("F1", culture)}", culture));
            foreach (var size in settings.HardSizes)
            {
                var hq = Synthetic.Queue(new Random(1), t, size, 6);
                rows.Add(TimeCheck(new QueueModel(), hq, $"{size}-op queue history, {t} threads, synthetic, unique values, overlap {Overlap(hq).ToString("F1", culture)} (hard without the FIFO pruning: enqueue order stays ambiguous until dequeued)", culture, settings.HardTimeout));
                var hs = Synthetic.Stack(new Random(2), t, size, 6);
                rows.Add(TimeCheck(new StackModel(), hs, $"{size}-op stack history, {t} threads, synthetic, unique values, overlap {Overlap(hs).ToString("F1", culture)}", culture, settings.HardTimeout));
            }
        }

        // 3. Recorder overhead per operation.
        {
            var count = settings.RecorderOperations;
            TimeLoop(count / 10, recorder: null);
            TimeLoop(count / 10, new HistoryRecorder(1)); // warm-up
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var bare = TimeLoop(count, recorder: null);
            GC.Collect();
            var recorded = TimeLoop(count, new HistoryRecorder(1));
            GC.Collect();
            var pure = new HistoryRecorder(1);
            var swPure = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                pure.Return(pure.Invoke(0, "Increment", null), NoResult.Value);
            }

            var pureNs = swPure.Elapsed.TotalSeconds * 1e9 / count;
            GC.Collect();
            rows.Add((
                "recorder alone: Invoke + Return with no result object (two Stopwatch reads + one struct write)",
                $"{count:N0} ops",
                $"{pureNs.ToString("F0", culture)} ns/op",
                "small vs. the op"));
            rows.Add((
                "recording overhead per operation (Invoke + Return, 1 thread, lock-based Push/TryPop; every result object kept alive, so GC promotion is included)",
                $"{count:N0} ops",
                $"{((recorded - bare) * 1e9 / count).ToString("F0", culture)} ns/op (bare op {(bare * 1e9 / count).ToString("F1", culture)} ns)",
                "small vs. the op"));

            var threads = Math.Max(2, Environment.ProcessorCount);
            var multi = new HistoryRecorder(threads);
            var per = count / threads;
            var sw = Stopwatch.StartNew();
            var ts = Enumerable.Range(0, threads).Select(i => new Thread(() =>
            {
                var x = 0L;
                for (var k = 0; k < per; k++)
                {
                    var tok = multi.Invoke(i, "Inc", null);
                    x++;
                    multi.Return(tok, null);
                }
            })).ToList();
            ts.ForEach(th => th.Start());
            ts.ForEach(th => th.Join());
            var elapsed = sw.Elapsed.TotalSeconds;
            var snap = Stopwatch.StartNew();
            var history = multi.Snapshot();
            rows.Add((
                $"recording from {threads} threads at once (wall time / total ops), then Snapshot",
                $"{history.Count:N0} ops",
                $"{(elapsed * 1e9 / history.Count).ToString("F0", culture)} ns/op; Snapshot {snap.Elapsed.TotalMilliseconds.ToString("F0", culture)} ms",
                "no global lock"));
        }

        var sb = new StringBuilder();
        sb.Append("| measurement | size | result | target |\n|---|---|---|---|\n");
        foreach (var r in rows)
        {
            sb.Append("| ").Append(r.What).Append(" | ").Append(r.Size).Append(" | ").Append(r.Result).Append(" | ").Append(r.Target).Append(" |\n");
        }

        sb.Append($"\n{Environment.ProcessorCount} cores, .NET {Environment.Version}, {(IsOptimized() ? "Release" : "Debug")} build of KataServer.Testing.\n");
        return sb.ToString();
    }

    /// <summary>Average number of other operations whose interval overlaps an operation's interval.</summary>
    public static double Overlap(History history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var ops = history.Operations.OrderBy(o => o.CallTime).ToArray();
        long pairs = 0;
        for (var i = 0; i < ops.Length; i++)
        {
            var end = ops[i].ReturnTime ?? long.MaxValue;
            for (var j = i + 1; j < ops.Length && ops[j].CallTime <= end; j++)
            {
                pairs++;
            }
        }

        return ops.Length == 0 ? 0 : 2.0 * pairs / ops.Length;
    }

    private static bool IsOptimized() =>
        typeof(LinearizabilityBenchmark).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().All(d => !d.IsJITOptimizerDisabled);

    private static (string, string, string, string) TimeCheck<TState>(ISequentialModel<TState> model, History history, string what, CultureInfo culture, TimeSpan? timeout = null)
    {
        var sw = Stopwatch.StartNew();
        var result = LinearizabilityChecker.Check(model, history, new CheckOptions { Timeout = timeout ?? TimeSpan.FromSeconds(30) });
        var ms = sw.Elapsed.TotalMilliseconds;
        var verdict = result.IsLinearizable ? "linearizable" : result.TimedOut ? $"undecided: budget of {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s used up" : "violation found";
        return (what, $"{history.Count:N0} ops", $"{ms.ToString("F0", culture)} ms, {result.Steps:N0} steps, {verdict}", "< 1 s");
    }

    private static double TimeLoop(int count, HistoryRecorder? recorder)
    {
        var target = new LockedStack();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            if (recorder is null)
            {
                target.Push(i);
                target.TryPop();
            }
            else
            {
                var a = recorder.Invoke(0, "Push", null);
                target.Push(i);
                recorder.Return(a, null);
                var b = recorder.Invoke(0, "TryPop", null);
                var r = target.TryPop();
                recorder.Return(b, r);
            }
        }

        return sw.Elapsed.TotalSeconds / 2; // two ops per iteration
    }

    private static History Record(int threads, int perThread, bool queue)
    {
        var stack = new LockedStack();
        var fifo = new Queue<object?>();
        var recorder = new HistoryRecorder(threads);
        var bodies = Enumerable.Range(0, threads).Select(t => (Action)(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < perThread; i++)
            {
                var value = t * 1_000_000 + i;
                var yieldInside = random.Next(8) == 0;
                if (random.Next(2) == 0)
                {
                    recorder.Record(t, queue ? "Enqueue" : "Push", value, () =>
                    {
                        if (queue)
                        {
                            lock (fifo)
                            {
                                fifo.Enqueue(value);
                            }
                        }
                        else
                        {
                            stack.Push(value);
                        }

                        if (yieldInside)
                        {
                            Thread.Yield();
                        }

                        return NoResult.Value;
                    });
                }
                else
                {
                    recorder.Record(t, queue ? "TryDequeue" : "TryPop", null, () =>
                    {
                        if (yieldInside)
                        {
                            Thread.Yield();
                        }

                        if (!queue)
                        {
                            return stack.TryPop();
                        }

                        lock (fifo)
                        {
                            return fifo.TryDequeue(out var x) ? (true, x) : (false, (object?)null);
                        }
                    });
                }
            }
        })).ToList();
        RealThreadsExecutor.Execute(bodies, TimeSpan.FromMinutes(1));
        return recorder.Snapshot();
    }

    private static History Corrupt(History history)
    {
        var last = history.Operations.Last(o => o.Name == "TryDequeue" && o.ToCall().Flag == true);
        return new History(history.Operations.Select(o => o.Id == last.Id ? o with { Result = (true, (object?)(-1)) } : o));
    }

    private sealed class LockedStack
    {
        private readonly Stack<object?> items = new();

        public void Push(object? x)
        {
            lock (items)
            {
                items.Push(x);
            }
        }

        public object TryPop()
        {
            lock (items)
            {
                return items.TryPop(out var x) ? (true, x) : (false, (object?)null);
            }
        }

        public bool IsEmpty
        {
            get
            {
                lock (items)
                {
                    return items.Count == 0;
                }
            }
        }
    }

    /// <summary>
    /// Linearizable histories built from a sequential run: each thread's operations get back-to-back
    /// intervals of random length, each operation takes effect at a random point inside its interval.
    /// </summary>
    /// <summary>A linearizable synthetic history (see the benchmark), for experiments: kind is "queue", "stack" or "map".</summary>
    public static History SyntheticHistory(string kind, int seed, int threads, int operations, int maxLength) => kind switch
    {
        "queue" => Synthetic.Queue(new Random(seed), threads, operations, maxLength),
        "stack" => Synthetic.Stack(new Random(seed), threads, operations, maxLength),
        "map" => Synthetic.Map(new Random(seed), threads, operations, maxLength, 20),
        _ => throw new ArgumentException("unknown kind", nameof(kind)),
    };

    private static class Synthetic
    {
        public static History Stack(Random random, int threads, int total, int maxLength)
        {
            var unique = 0;
            return Build(random, threads, total, maxLength, r => r.Next(2) == 0 ? ("Push", ++unique) : ("TryPop", null), () =>
            {
                var s = new Stack<object?>();
                return (name, arg) => name == "Push" ? Push(s, arg) : s.TryPop(out var x) ? (true, x) : (false, null);
            });
        }

        public static History Queue(Random random, int threads, int total, int maxLength, bool corruptLast = false)
        {
            var unique = 0;
            return Build(random, threads, total, maxLength, r => r.Next(2) == 0 ? ("Enqueue", ++unique) : ("TryDequeue", null), () =>
            {
                var q = new Queue<object?>();
                return (name, arg) => name == "Enqueue" ? Enqueue(q, arg) : q.TryDequeue(out var x) ? (true, x) : (false, null);
            }, corruptLast ? "TryDequeue" : null);
        }

        public static History Counter(Random random, int threads, int total, int maxLength) =>
            Build(random, threads, total, maxLength, r => r.Next(3) == 0 ? ("Get", null) : ("Increment", null), () =>
            {
                var c = 0L;
                return (name, _) => name == "Get" ? c : ++c;
            });

        public static History Map(Random random, int threads, int total, int maxLength, int keys) =>
            Build(random, threads, total, maxLength, r =>
            {
                var key = "k" + r.Next(keys);
                return r.Next(3) switch
                {
                    0 => ("Put", (key, r.Next(10))),
                    1 => ("Get", key),
                    _ => ("TryAdd", (key, r.Next(10))),
                };
            }, () =>
            {
                var d = new Dictionary<string, object>();
                return (name, arg) => name switch
                {
                    "Put" => Put(d, ((ValueTuple<string, int>)arg!).Item1, ((ValueTuple<string, int>)arg!).Item2),
                    "Get" => d.TryGetValue((string)arg!, out var v) ? (true, v) : (false, null),
                    _ => d.TryAdd(((ValueTuple<string, int>)arg!).Item1, ((ValueTuple<string, int>)arg!).Item2),
                };
            });

        private static object Push(Stack<object?> s, object? x)
        {
            s.Push(x);
            return NoResult.Value;
        }

        private static object Enqueue(Queue<object?> q, object? x)
        {
            q.Enqueue(x);
            return NoResult.Value;
        }

        private static object Put(Dictionary<string, object> d, string k, object v)
        {
            d[k] = v;
            return NoResult.Value;
        }

        private static History Build(
            Random random,
            int threads,
            int total,
            int maxLength,
            Func<Random, (string Name, object? Arg)> next,
            Func<Func<string, object?, object?>> sequential,
            string? corruptLastOf = null)
        {
            var raw = new List<(int Thread, int Index, string Name, object? Arg, long Call, long Ret, double Point)>();
            var time = new long[threads];
            for (var i = 0; i < total; i++)
            {
                var t = i % threads;
                var call = time[t] + random.Next(0, 2);
                var ret = call + 1 + random.Next(maxLength * threads);
                time[t] = ret + 1;
                var (name, arg) = next(random);
                raw.Add((t, i / threads, name, arg, call, ret, call + 0.5 + random.NextDouble() * (ret - call - 1)));
            }

            var apply = sequential();
            var results = new object?[raw.Count];
            foreach (var (op, index) in raw.Select((o, i) => (o, i)).OrderBy(x => x.o.Point))
            {
                results[index] = apply(op.Name, op.Arg);
            }

            if (corruptLastOf is not null)
            {
                var last = raw.FindLastIndex(o => o.Name == corruptLastOf);
                results[last] = (true, -1);
            }

            return new History(raw.Select((o, i) => new Operation
            {
                ThreadId = o.Thread,
                Index = o.Index,
                Name = o.Name,
                Argument = o.Arg,
                Result = results[i],
                CallTime = o.Call,
                ReturnTime = o.Ret,
            }).OrderBy(o => o.CallTime));
        }
    }
}
