using System.Diagnostics;
using System.Globalization;
using System.Text;
using KataServer.Compilation.Policy;

namespace KataServer.Compilation;

/// <summary>
/// Measures compile latency: cold (first compile in this process with a new compiler: reference
/// loading and Roslyn's JIT included), warm median, and the policy check. "Cold" is only truly cold
/// when nothing in the process has used Roslyn before; the table says when it was not.
/// </summary>
public static class CompilationBenchmark
{
    private static int s_runs;

    public static string Run(int warmIterations = 15)
    {
        bool firstInProcess = Interlocked.Increment(ref s_runs) == 1 && Volatile.Read(ref KataCompiler.s_compilations) == 0;
        string source = SampleSource;
        int lines = source.Split('\n').Length;

        var sw = Stopwatch.StartNew();
        var cpu0 = CpuMs();
        var compiler = new KataCompiler(new KataCompilerOptions { References = ReferenceAssemblies.Resolve() });
        var referencesTime = sw.Elapsed;
        var cold = compiler.CompileSubmission(source, "Bench.cs", "Bench");
        var coldTotal = sw.Elapsed;
        var coldCpu = CpuMs() - cpu0;
        if (!cold.Success) throw new InvalidOperationException("Benchmark source failed to compile: " + string.Join("; ", cold.Errors));

        sw.Restart();
        cpu0 = CpuMs();
        var coldPolicy = PolicyChecker.Check(cold.Compilation, ApiPolicy.Default);
        var coldPolicyTime = sw.Elapsed;
        var coldPolicyCpu = CpuMs() - cpu0;
        if (coldPolicy.Count != 0) throw new InvalidOperationException("Benchmark source has policy violations: " + string.Join("; ", coldPolicy));

        var warm = new List<double>();
        var policy = new List<double>();
        var bindOnly = new List<double>();
        var warmCpu = new List<double>();
        var policyCpu = new List<double>();
        var policyAfterEmit = new List<double>();
        for (int i = 0; i < warmIterations; i++)
        {
            // A new text each time, so nothing is reused from an earlier compilation.
            string text = source + $"\n// iteration {i}\n";
            sw.Restart();
            cpu0 = CpuMs();
            var outcome = compiler.CompileSubmission(text, "Bench.cs", "Bench");
            warm.Add(sw.Elapsed.TotalMilliseconds);
            warmCpu.Add(CpuMs() - cpu0);
            if (!outcome.Success) throw new InvalidOperationException("Benchmark source failed to compile.");
            // Policy on a fresh compilation (no bound semantic model cached yet).
            var fresh = compiler.CreateSubmissionCompilation([compiler.Parse(text, "Bench.cs")], "Bench");
            sw.Restart();
            _ = PolicyChecker.Check(fresh, ApiPolicy.Default);
            policy.Add(sw.Elapsed.TotalMilliseconds);
            var fresh2 = compiler.CreateSubmissionCompilation([compiler.Parse(text, "Bench.cs")], "Bench");
            sw.Restart();
            foreach (var tree in fresh2.SyntaxTrees) _ = fresh2.GetSemanticModel(tree).GetMethodBodyDiagnostics();
            bindOnly.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            cpu0 = CpuMs();
            _ = PolicyChecker.Check(outcome.Compilation, ApiPolicy.Default);
            policyAfterEmit.Add(sw.Elapsed.TotalMilliseconds);
            policyCpu.Add(CpuMs() - cpu0);
        }

        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine($"Compile benchmark: {lines}-line file, {compiler.References.ForLearner().Length} of {compiler.References.Paths.Length} references (the learner's trimmed set) from `{compiler.References.Origin}`, " +
                      $".NET {Environment.Version}, {Environment.ProcessorCount} cores{(firstInProcess ? "" : " (NOT the first Roslyn use in this process: cold figures are optimistic)")}.");
        sb.AppendLine();
        sb.AppendLine("CPU = this process's CPU time (all threads) over the same span: robust when other work shares the cores.");
        sb.AppendLine();
        sb.AppendLine("| measure | wall ms | CPU ms |");
        sb.AppendLine("| --- | ---: | ---: |");
        sb.AppendLine(c, $"| cold: resolve references + create compiler | {referencesTime.TotalMilliseconds:0.0} | |");
        sb.AppendLine(c, $"| cold: first compile + emit (incl. the line above) | {coldTotal.TotalMilliseconds:0.0} | {coldCpu:0.0} |");
        sb.AppendLine(c, $"| cold: first policy check | {coldPolicyTime.TotalMilliseconds:0.0} | {coldPolicyCpu:0.0} |");
        sb.AppendLine(c, $"| warm: compile + emit, median of {warmIterations} | {Median(warm):0.0} | {Median(warmCpu):0.0} |");
        sb.AppendLine(c, $"| warm: compile + emit, min / max | {warm.Min():0.0} / {warm.Max():0.0} | {warmCpu.Min():0.0} / {warmCpu.Max():0.0} |");
        sb.AppendLine(c, $"| warm: policy check on the compiled submission (as the pipeline does), median | {Median(policyAfterEmit):0.0} | {Median(policyCpu):0.0} |");
        sb.AppendLine(c, $"| warm: policy check on a fresh compilation, median | {Median(policy):0.0} | |");
        sb.AppendLine(c, $"| warm: binding method bodies alone (the floor of any semantic check), median | {Median(bindOnly):0.0} | |");
        return sb.ToString();
    }

    private static double CpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int n = sorted.Count;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>About 120 lines of typical kata code: locks, Interlocked, async, LINQ, generics, records.</summary>
    public const string SampleSource = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Bank
        {
            private readonly object[] _locks;
            private readonly long[] _balances;

            public Bank(int accountCount, long initialBalance)
            {
                _balances = new long[accountCount];
                _locks = new object[accountCount];
                for (int i = 0; i < accountCount; i++)
                {
                    _balances[i] = initialBalance;
                    _locks[i] = new object();
                }
            }

            public bool Transfer(int from, int to, long amount)
            {
                if (from == to) return _balances[from] >= amount;
                int first = Math.Min(from, to), second = Math.Max(from, to);
                lock (_locks[first])
                lock (_locks[second])
                {
                    if (_balances[from] < amount) return false;
                    _balances[from] -= amount;
                    _balances[to] += amount;
                    return true;
                }
            }

            public long BalanceOf(int account)
            {
                lock (_locks[account]) return _balances[account];
            }

            public long TotalBalance()
            {
                foreach (var l in _locks) Monitor.Enter(l);
                try { return _balances.Sum(); }
                finally { foreach (var l in _locks.Reverse()) Monitor.Exit(l); }
            }
        }

        public sealed class HitCounter
        {
            private long _total;
            public void Increment() => Interlocked.Increment(ref _total);
            public long Total => Volatile.Read(ref _total);
        }

        public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
        {
            private readonly ConcurrentDictionary<TKey, Lazy<TValue>> _values = new();
            private readonly Func<TKey, TValue> _load;

            public ReadThroughCache(Func<TKey, TValue> load) => _load = load;

            public TValue Get(TKey key)
            {
                var lazy = _values.GetOrAdd(key, k => new Lazy<TValue>(() => _load(k), LazyThreadSafetyMode.ExecutionAndPublication));
                try { return lazy.Value; }
                catch
                {
                    _values.TryRemove(new KeyValuePair<TKey, Lazy<TValue>>(key, lazy));
                    throw;
                }
            }

            public void Invalidate(TKey key) => _values.TryRemove(key, out _);
        }

        public sealed class ConcurrencyLimiter
        {
            private readonly SemaphoreSlim _slots;
            private int _inFlight;

            public ConcurrencyLimiter(int maxConcurrency) => _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);

            public int InFlight => Volatile.Read(ref _inFlight);

            public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _inFlight);
                try { return await work(cancellationToken).ConfigureAwait(false); }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                    _slots.Release();
                }
            }
        }

        public sealed record Transfer(int From, int To, long Amount);

        public static class ParallelMap
        {
            public static async Task<TOut[]> MapAsync<TIn, TOut>(IReadOnlyList<TIn> items, int maxParallelism,
                Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
            {
                var results = new TOut[items.Count];
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                int next = -1;
                async Task Worker()
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < items.Count)
                    {
                        cts.Token.ThrowIfCancellationRequested();
                        try { results[i] = await body(items[i], cts.Token).ConfigureAwait(false); }
                        catch { cts.Cancel(); throw; }
                    }
                }
                var workers = Enumerable.Range(0, Math.Max(1, Math.Min(maxParallelism, items.Count))).Select(_ => Worker()).ToArray();
                await Task.WhenAll(workers).ConfigureAwait(false);
                Console.WriteLine($"mapped {items.Count} items with {workers.Length} workers");
                return results;
            }
        }
        """;
}
