using System.Text;

namespace KataServer.Rewriting;

/// <summary>Output of <see cref="AssemblyRewriter.Rewrite"/>.</summary>
public sealed record RewriteResult(byte[] Dll, byte[]? Pdb, RewriteReport Report);

/// <summary>What the rewriter did to one assembly.</summary>
public sealed class RewriteReport
{
    internal RewriteReport(string assemblyName) => AssemblyName = assemblyName;

    public string AssemblyName { get; }

    /// <summary>True when the input already carried the marker and was returned unchanged.</summary>
    public bool AlreadyRewritten { get; internal set; }

    /// <summary>Replaced call sites per framework API, e.g. <c>System.Threading.Monitor::Enter</c> → 3.</summary>
    public IReadOnlyDictionary<string, int> ReplacedCalls => Replaced;

    /// <summary>
    /// Call sites of concurrency APIs the map has no replacement for (the explorer does not model them), per API, e.g.
    /// <c>System.Threading.Barrier::SignalAndWait</c> → 1.
    /// </summary>
    public IReadOnlyDictionary<string, int> UncontrolledApis => Uncontrolled;

    /// <summary>
    /// Unreplaced calls the compiler emitted for async/await (builders, awaiters; see <see cref="RewriteOptions.IsAsyncPlumbing"/>):
    /// they matter to the scheduling engine (await continuations it does not control) but are not the learner's own calls.
    /// </summary>
    public IReadOnlyDictionary<string, int> UncontrolledAsyncPlumbing => Plumbing;

    /// <summary>Source locations ("file:line") of the first few uncontrolled call sites per API, where the PDB gives them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> UncontrolledLocations =>
        UncontrolledAt.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);

    public int FieldReadHooks { get; internal set; }

    public int FieldWriteHooks { get; internal set; }

    public int ArrayReadHooks { get; internal set; }

    /// <summary>Reads not hooked because the field is never changed once it can be shared (constructor-only, closure initialization).</summary>
    public int ImmutableFieldReadsSkipped { get; internal set; }

    public int ArrayWriteHooks { get; internal set; }

    /// <summary>Types given a static-state reset method (see <see cref="RewriteOptions.ResettableStatics"/>).</summary>
    public int StaticResets { get; internal set; }

    /// <summary>Methods whose body was changed.</summary>
    public int MethodsRewritten { get; internal set; }

    public int MethodsVisited { get; internal set; }

    /// <summary>Things the rewriter skipped on purpose or could not handle (not errors).</summary>
    public IReadOnlyList<string> Warnings => WarningList;

    public TimeSpan Elapsed { get; internal set; }

    internal SortedDictionary<string, int> Replaced { get; } = new(StringComparer.Ordinal);

    internal SortedDictionary<string, int> Uncontrolled { get; } = new(StringComparer.Ordinal);

    internal SortedDictionary<string, int> Plumbing { get; } = new(StringComparer.Ordinal);

    internal void CountPlumbing(string api) => Plumbing[api] = Plumbing.GetValueOrDefault(api) + 1;

    internal Dictionary<string, List<string>> UncontrolledAt { get; } = new(StringComparer.Ordinal);

    internal List<string> WarningList { get; } = [];

    internal void CountReplaced(string api) => Replaced[api] = Replaced.GetValueOrDefault(api) + 1;

    internal void CountUncontrolled(string api, string? location)
    {
        Uncontrolled[api] = Uncontrolled.GetValueOrDefault(api) + 1;
        if (location is null)
        {
            return;
        }

        if (!UncontrolledAt.TryGetValue(api, out var list))
        {
            UncontrolledAt[api] = list = [];
        }

        if (list.Count < 5)
        {
            list.Add(location);
        }
    }

    internal void Warn(string message)
    {
        if (WarningList.Count < 200 && !WarningList.Contains(message))
        {
            WarningList.Add(message);
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(AssemblyName).Append(": ").Append(MethodsRewritten).Append('/').Append(MethodsVisited).Append(" methods rewritten in ")
            .Append(Elapsed.TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(" ms");
        foreach (var (api, count) in Replaced)
        {
            sb.Append("  replaced ").Append(api).Append(" x").Append(count).AppendLine();
        }

        sb.Append("  field hooks: ").Append(FieldReadHooks).Append(" reads, ").Append(FieldWriteHooks).Append(" writes; array hooks: ")
            .Append(ArrayReadHooks).Append(" reads, ").Append(ArrayWriteHooks).Append(" writes; ")
            .Append(ImmutableFieldReadsSkipped).AppendLine(" reads of fields immutable once shared not hooked");
        if (StaticResets > 0)
        {
            sb.Append("  static state reset between schedules in ").Append(StaticResets).AppendLine(" types");
        }

        foreach (var (api, count) in Uncontrolled)
        {
            sb.Append("  UNCONTROLLED ").Append(api).Append(" x").Append(count).AppendLine();
        }

        if (Plumbing.Count > 0)
        {
            sb.Append("  uncontrolled async plumbing: ").AppendJoin(", ", Plumbing.Select(kv => kv.Key + " x" + kv.Value)).AppendLine();
        }

        foreach (var warning in WarningList)
        {
            sb.Append("  note: ").AppendLine(warning);
        }

        return sb.ToString();
    }
}
