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
    private const int MaxColumnWidth = 34;

    private const int MinColumnWidth = 24;

    /// <summary>The width a table fits in when the terminal's is unknown (output to a file or a pipe).</summary>
    public const int DefaultWidth = 160;

    /// <summary>Steps kept at each end of a stretch of one thread alone.</summary>
    private const int StretchEnds = 2;

    public const int RowsShown = 80;

    /// <summary>"    step | ": what the step column takes before the first lane.</summary>
    private const int StepColumn = 11;

    /// <summary>The terminal's width when stdout is one, else <see cref="DefaultWidth"/> (or $COLUMNS).</summary>
    public static int TerminalWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns >= 40) return columns;
        try
        {
            if (!Console.IsOutputRedirected && Console.WindowWidth >= 40) return Console.WindowWidth;
        }
        catch (IOException)
        {
        }

        return DefaultWidth;
    }

    /// <summary>
    /// Prints the timeline within <paramref name="width"/> characters: lanes narrow down to a readable minimum, and when
    /// there are still too many, they are shown a group at a time (each group with the steps of its threads).
    /// </summary>
    public static void Print(IReadOnlyList<TraceStepData> trace, TextWriter output, int width = DefaultWidth)
    {
        var threads = trace.Select(s => (s.Thread, s.ThreadName)).Distinct().OrderBy(t => t.Thread).ToList();
        if (threads.Count == 0) return;
        int columnWidth = Math.Clamp((width - StepColumn) / threads.Count - 3, MinColumnWidth, MaxColumnWidth);
        int perPage = Math.Max(1, (width - StepColumn + 3) / (columnWidth + 3));
        if (threads.Count <= perPage)
        {
            PrintLanes(trace, threads, columnWidth, output);
            return;
        }

        output.WriteLine($"    {threads.Count} threads, {perPage} at a time; step numbers give the order across groups.");
        for (int first = 0; first < threads.Count; first += perPage)
        {
            var lanes = threads.Skip(first).Take(perPage).ToList();
            var ids = lanes.Select(t => t.Thread).ToHashSet();
            output.WriteLine($"    threads {first + 1}-{first + lanes.Count} of {threads.Count}:");
            PrintLanes(trace.Where(s => ids.Contains(s.Thread)).ToList(), lanes, columnWidth, output);
        }
    }

    private static void PrintLanes(IReadOnlyList<TraceStepData> trace, List<(int Thread, string ThreadName)> threads, int width, TextWriter output)
    {
        var column = threads.Select((t, i) => (t.Thread, i)).ToDictionary(p => p.Thread, p => p.i);
        output.WriteLine("    step | " + string.Join(" | ", threads.Select(t => Fit(t.ThreadName, width))).TrimEnd());
        output.WriteLine("    -----+-" + string.Join("-+-", threads.Select(_ => new string('-', width))));

        var rows = Rows(trace, column, threads.Count, width);
        if (rows.Count > RowsShown)
        {
            var firstShown = rows[rows.Count - RowsShown].FirstStep;
            var hidden = trace.Count(s => s.Step < firstShown);
            output.WriteLine($"    {"...",4} | ({hidden} earlier steps not shown; --json has them)");
            rows = rows.GetRange(rows.Count - RowsShown, RowsShown);
        }

        foreach (var row in rows)
        {
            output.WriteLine(row.Text);
        }
    }

    private sealed record Row(int FirstStep, string Text);

    private static List<Row> Rows(IReadOnlyList<TraceStepData> trace, Dictionary<int, int> column, int columns, int width)
    {
        var rows = new List<Row>();
        for (int start = 0; start < trace.Count;)
        {
            int end = start;
            while (end + 1 < trace.Count && trace[end + 1].Thread == trace[start].Thread) end++;
            int length = end - start + 1;
            if (length <= 2 * StretchEnds + 1)
            {
                for (int i = start; i <= end; i++) rows.Add(StepRow(trace[i], column, columns, width));
            }
            else
            {
                for (int i = start; i < start + StretchEnds; i++) rows.Add(StepRow(trace[i], column, columns, width));
                var skipped = trace.Skip(start + StretchEnds).Take(length - 2 * StretchEnds).ToList();
                var lines = skipped.Where(s => s.Line is not null).Select(s => s.Line!.Value).ToList();
                var span = lines.Count == 0 ? "" : lines.Min() == lines.Max() ? $", line {lines.Min()}" : $", lines {lines.Min()}-{lines.Max()}";
                // Counted by step numbers: a long trace reaches us with a stretch of its middle already cut out.
                var count = skipped[^1].Step - skipped[0].Step + 1;
                rows.Add(new Row(skipped[0].Step, Line("...", column[trace[start].Thread], columns, width, $"... {count} more steps{span}")));
                for (int i = end - StretchEnds + 1; i <= end; i++) rows.Add(StepRow(trace[i], column, columns, width));
            }

            start = end + 1;
        }

        return rows;
    }

    // A cut cell keeps its suffix: what a failed Try* returned and where the step was are never the part cut off.
    private static Row StepRow(TraceStepData step, Dictionary<int, int> column, int columns, int width) =>
        new(step.Step, Line(step.Step.ToString(), column[step.Thread], columns, width, Name(step), Returned(step) + Where(step)));

    /// <summary>
    /// What a step did, in the learner's words: the release a <c>lock</c> statement makes at its end is "releases lock A (end
    /// of lock at line 12)" (the learner wrote no Monitor.Exit), and a Try* call that failed says "→ false".
    /// </summary>
    public static string Describe(TraceStepData step) => Name(step) + Returned(step);

    private static string Name(TraceStepData step)
    {
        const string exit = "Monitor.Exit(";
        return step.LockStatementLine is { } lockLine && step.Action.StartsWith(exit, StringComparison.Ordinal) && step.Action.EndsWith(')')
            ? $"releases {step.Action[exit.Length..^1]} (end of lock at line {lockLine})"
            : step.Action;
    }

    private static string Returned(TraceStepData step) => step.Result is { } result ? $" → {result}" : "";

    /// <summary>" (line 12)" for the learner's code, " (test)" for the kata test's own steps, which have no learner line.</summary>
    public static string Where(TraceStepData step) => step.ByTest ? " (test)" : step.Line is { } line ? $" (line {line})" : "";

    private static string Line(string stepText, int columnIndex, int columns, int width, string text, string where = "")
    {
        var cells = Enumerable.Repeat(Fit("", width), columns).ToArray();
        cells[columnIndex] = Fit(text, width, where);
        return ($"    {stepText,4} | " + string.Join(" | ", cells)).TrimEnd();
    }

    /// <summary>The text in a cell of <paramref name="width"/>; when cut, the action is, never the line number after it.</summary>
    private static string Fit(string text, int width, string suffix = "")
    {
        string full = text + suffix;
        if (full.Length <= width) return full.PadRight(width);
        int room = width - suffix.Length - 1;
        return room >= 8 ? text[..room] + "…" + suffix : full[..(width - 1)] + "…";
    }
}
