using KataServer.Scheduling;
using KataServer.Scheduling.Interception;
using Xunit.Abstractions;

namespace KataServer.Rewriting.Tests;

[Collection(nameof(EndToEndTests))]
public class TraceLineTests(ITestOutputHelper output)
{
    private static readonly Lazy<InterceptionMap> RealMap = new(() => InterceptionMap.FromAssembly(typeof(InterceptsAttribute).Assembly));

    private const string Learner = """
        using System;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        public sealed class Limiter
        {
            private int _inFlight;
            public async Task<int> RunAsync(Func<Task<int>> work)
            {
                Interlocked.Increment(ref _inFlight);
                try
                {
                    return await work();
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight); // FINALLY
                }
            }
        }
        public sealed class Bank
        {
            private readonly object _gate = new object();
            private readonly long[] _balances = new long[2];
            public void Deposit(int account, long amount)
            {
                lock (_gate)
                {
                    _balances[account] += amount;
                } // END LOCK
            }
            public long Read(int i) { var b = _balances; return b[i]; }
        }
        public sealed class Mailbox
        {
            private readonly Channel<int> _ch = Channel.CreateBounded<int>(1);
            public bool Offer(int v) => _ch.Writer.TryWrite(v);
        }
        """;

    private const string Test = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        public static class KataTest
        {
            public static async Task Run()
            {
                var limiter = new Limiter();
                int running = 0;
                await limiter.RunAsync(async () => { Interlocked.Increment(ref running); await Task.Yield(); return 1; });
                var bank = new Bank();
                bank.Deposit(0, 5);
                bank.Read(1);
                var mailbox = new Mailbox();
                mailbox.Offer(1);
                mailbox.Offer(2);
                throw new InvalidOperationException("end");
            }
        }
        """;

    private void Dump(byte[] dll, byte[] pdb, string title)
    {
        using var a = Mono.Cecil.AssemblyDefinition.ReadAssembly(new MemoryStream(dll), new Mono.Cecil.ReaderParameters { ReadSymbols = true, SymbolStream = new MemoryStream(pdb), SymbolReaderProvider = new Mono.Cecil.Cil.PortablePdbReaderProvider() });
        foreach (var t in a.MainModule.GetTypes())
        foreach (var m in t.Methods.Where(m => m.HasBody && (m.Name == "MoveNext" && t.FullName.Contains("RunAsync") || m.Name == "Deposit")))
        {
            output.WriteLine($"== {title} {m.FullName}");
            var sp = m.DebugInformation.GetSequencePointMapping();
            foreach (var h in m.Body.ExceptionHandlers) output.WriteLine($"  handler {h.HandlerType} try {h.TryStart.Offset:x}-{h.TryEnd.Offset:x} handler {h.HandlerStart.Offset:x}-{h.HandlerEnd?.Offset:x}");
            foreach (var i in m.Body.Instructions)
            {
                var line = sp.TryGetValue(i, out var p) ? (p.IsHidden ? "  [hidden]" : $"  [line {p.StartLine}]") : "";
                output.WriteLine($"  {i}{line}");
            }
        }
    }

    [Fact]
    public void Experiment()
    {
        var learner = Snippets.Compile(Learner, "Submission");
        var test = Snippets.Compile(Test, "KataTests", false, learner.Dll);
        var learnerRewritten = AssemblyRewriter.Rewrite(learner.Dll, learner.Pdb, RewriteOptions.Learner, RealMap.Value);
        var testRewritten = AssemblyRewriter.Rewrite(test.Dll, test.Pdb, RewriteOptions.KataTests with { ReferencedAssemblies = [learner.Dll] }, RealMap.Value);
        
        Dump(learnerRewritten.Dll, learnerRewritten.Pdb!, "rewritten");
        using var sandbox = new Sandbox();
        var submission = sandbox.Load(learnerRewritten.Dll, learnerRewritten.Pdb);
        var tests = sandbox.Load(testRewritten.Dll, testRewritten.Pdb);
        var result = ScheduleExplorer.Explore(() => (Task)tests.GetType("KataTest")!.GetMethod("Run")!.Invoke(null, null)!,
            new ExplorationOptions { Seed = 1, MaxSchedules = 1, TimeBudget = TimeSpan.FromSeconds(10), UncontrolledGrace = TimeSpan.FromSeconds(30),
                IsUserSourceFile = file => file == learner.Path, IsUserAssembly = a => a == submission, IsTestAssembly = a => a == tests });
        output.WriteLine($"bug: {result.Bug?.Kind} {result.Bug?.Message}");
        foreach (var step in result.Bug?.Trace ?? [])
        {
            output.WriteLine($"  {step.Step,3} {step.OperationName,-12} {step.Action}  {Path.GetFileName(step.SourceFile)}:{step.Line} {(step.ByTest ? "(test)" : "")}");
        }
    }
}
