using System.Text;

namespace KataServer.Platform.Cohorts;

/// <summary>
/// RFC 4180 CSV. A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return)
/// gets a leading apostrophe: learners choose their display names, and a name like <c>=HYPERLINK(...)</c> must stay text.
/// </summary>
public static class Csv
{
    public static string Cell(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', header.Select(Cell))).Append("\r\n");
        foreach (var row in rows) csv.Append(string.Join(',', row.Select(Cell))).Append("\r\n");
        return csv.ToString();
    }
}
