using KataServer.Grading.Reports;

namespace KataServer.Cli.Output;

/// <summary>A single live status line on stderr (only when stderr is a terminal or forced).</summary>
public sealed class ProgressLine(TextWriter errors, bool live) : IProgress<GradeProgress>
{
    private readonly Lock gate = new();
    private int width;

    public void Report(GradeProgress value)
    {
        var counts = value.Total is { } total ? $" {value.Done}/{total}" : value.Done is { } done ? $" {done}" : "";
        var text = $"[{value.Stage}] {value.Message}{counts}";
        lock (gate)
        {
            if (live)
            {
                errors.Write("\r" + text.PadRight(width));
                width = Math.Max(width, text.Length);
            }
            else if (value.Done is null)
            {
                errors.WriteLine(text);
            }
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            if (live && width > 0) errors.Write("\r" + new string(' ', width) + "\r");
        }
    }
}
