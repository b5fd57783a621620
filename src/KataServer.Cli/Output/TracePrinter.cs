using KataServer.Testing.Protocol;

namespace KataServer.Cli.Output;

/// <summary>
/// Draws an interleaving as a timeline: one column per thread, one row per step. What a reader needs are the
/// switches between threads, so a long stretch of one thread alone is cut to its first and last steps, and
/// past <see cref="RowsShown"/> rows the oldest ones are left out (the bug turns bad near the end). A trace may come
/// with steps already cut out of one such stretch (<see cref="KataServer.Scheduling.TraceWindow"/>): step numbers count them.
/// </summary>
public static class TracePrinter
{
    private const int ColumnWidth = 34;

    /// <summary>Steps kept at each end of a stretch of one thread alone.</summary>
    private const int StretchEnds = 2;

    public const int RowsShown = 80;

    public static void Print(IReadOnlyList<TraceStepData> trace, TextWriter output)
    {
        var threads = trace.Select(s => (s.Thread, s.ThreadName)).Distinct().OrderBy(t => t.Thread).ToList();
        var column = threads.Select((t, i) => (t.Thread, i)).ToDictionary(p => p.Thread, p => p.i);
        output.WriteLine("    step | " + string.Join(" | ", threads.Select(t => Fit(t.ThreadName))));
        output.WriteLine("    -----+-" + string.Join("-+-", threads.Select(_ => new string('-', ColumnWidth))));

        var rows = Rows(trace, column, threads.Count);
        if (rows.Count > RowsShown)
        {
            var firstShown = rows[rows.Count - RowsShown].FirstStep;
            var hidden = trace.Count(s => s.Step < firstShown);
            output.WriteLine($"    ...  | ({hidden} earlier steps not shown; --json has them)");
            rows = rows.GetRange(rows.Count - RowsShown, RowsShown);
        }

        foreach (var row in rows)
        {
            output.WriteLine(row.Text);
        }
    }

    private sealed record Row(int FirstStep, string Text);

    private static List<Row> Rows(IReadOnlyList<TraceStepData> trace, Dictionary<int, int> column, int columns)
    {
        var rows = new List<Row>();
        for (int start = 0; start < trace.Count;)
        {
            int end = start;
            while (end + 1 < trace.Count && trace[end + 1].Thread == trace[start].Thread) end++;
            int length = end - start + 1;
            if (length <= 2 * StretchEnds + 1)
            {
                for (int i = start; i <= end; i++) rows.Add(StepRow(trace[i], column, columns));
            }
            else
            {
                for (int i = start; i < start + StretchEnds; i++) rows.Add(StepRow(trace[i], column, columns));
                var skipped = trace.Skip(start + StretchEnds).Take(length - 2 * StretchEnds).ToList();
                var lines = skipped.Where(s => s.Line is not null).Select(s => s.Line!.Value).ToList();
                var span = lines.Count == 0 ? "" : lines.Min() == lines.Max() ? $", line {lines.Min()}" : $", lines {lines.Min()}-{lines.Max()}";
                // Counted by step numbers: a long trace reaches us with a stretch of its middle already cut out.
                var count = skipped[^1].Step - skipped[0].Step + 1;
                rows.Add(new Row(skipped[0].Step, Line("  ...", column[trace[start].Thread], columns, $"... {count} more steps{span}")));
                for (int i = end - StretchEnds + 1; i <= end; i++) rows.Add(StepRow(trace[i], column, columns));
            }

            start = end + 1;
        }

        return rows;
    }

    private static Row StepRow(TraceStepData step, Dictionary<int, int> column, int columns) =>
        new(step.Step, Line($"{step.Step,4}", column[step.Thread], columns, step.Line is { } line ? $"{step.Action} (line {line})" : step.Action));

    private static string Line(string stepText, int columnIndex, int columns, string text)
    {
        var cells = Enumerable.Repeat(Fit(""), columns).ToArray();
        cells[columnIndex] = Fit(text);
        return $"    {stepText} | " + string.Join(" | ", cells);
    }

    private static string Fit(string text) =>
        text.Length <= ColumnWidth ? text.PadRight(ColumnWidth) : text[..(ColumnWidth - 1)] + "…";
}
