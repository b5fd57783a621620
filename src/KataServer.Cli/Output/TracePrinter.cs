using KataServer.Testing.Protocol;

namespace KataServer.Cli.Output;

/// <summary>Draws an interleaving as a timeline: one column per thread, one row per step.</summary>
public static class TracePrinter
{
    private const int ColumnWidth = 34;
    private const int StepsShown = 60;

    public static void Print(IReadOnlyList<TraceStepData> trace, TextWriter output)
    {
        var threads = trace.Select(s => (s.Thread, s.ThreadName)).Distinct().OrderBy(t => t.Thread).ToList();
        var column = threads.Select((t, i) => (t.Thread, i)).ToDictionary(p => p.Thread, p => p.i);
        output.WriteLine("    step | " + string.Join(" | ", threads.Select(t => Fit(t.ThreadName))));
        output.WriteLine("    -----+-" + string.Join("-+-", threads.Select(_ => new string('-', ColumnWidth))));
        // The steps that matter are the last ones, where the interleaving turned bad.
        if (trace.Count > StepsShown) output.WriteLine($"    ...  | ({trace.Count - StepsShown} earlier steps not shown; --json has them all)");
        foreach (var step in trace.Skip(Math.Max(0, trace.Count - StepsShown)))
        {
            var cells = threads.Select(_ => Fit("")).ToArray();
            var text = step.Line is { } line ? $"{step.Action} (line {line})" : step.Action;
            cells[column[step.Thread]] = Fit(text);
            output.WriteLine($"    {step.Step,4} | " + string.Join(" | ", cells));
        }
    }

    private static string Fit(string text) =>
        text.Length <= ColumnWidth ? text.PadRight(ColumnWidth) : text[..(ColumnWidth - 1)] + "…";
}
