using System.Globalization;
using System.Text;

namespace KataServer.Cli.Output;

/// <summary>
/// Text from a report is data: the learner's output, exception messages and thread names may hold terminal escape
/// sequences (clear the screen, move the cursor, draw a fake verdict) or characters that reorder what is shown.
/// Every such character is written as a visible escape (<c>\e</c>, <c>\r</c>, <c>\x07</c>, <c>\u202E</c>), never sent
/// to the terminal; line feeds and tabs stay as they are.
/// </summary>
public static class TerminalText
{
    public static string Escape(string text)
    {
        StringBuilder? escaped = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? visible = Visible(c);
            if (visible is null) { escaped?.Append(c); continue; }
            escaped ??= new StringBuilder(text, 0, i, text.Length + 16);
            escaped.Append(visible);
        }
        return escaped?.ToString() ?? text;
    }

    private static string? Visible(char c) => c switch
    {
        '\n' or '\t' => null,
        '\u001b' => "\\e",
        '\r' => "\\r",
        '\b' => "\\b",
        '\0' => "\\0",
        < ' ' or '\u007f' or (>= '\u0080' and <= '\u009f') => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
        // Bidirectional overrides and isolates, zero-width and line/paragraph separators: they change what a line seems to say.
        (>= '\u200b' and <= '\u200f') or (>= '\u2028' and <= '\u202e') or (>= '\u2066' and <= '\u2069') or '\ufeff' =>
            "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>A writer that escapes everything written to it (see <see cref="Escape"/>).</summary>
    public sealed class EscapingWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(Visible(value) ?? value.ToString());

        public override void Write(string? value)
        {
            if (value is not null) inner.Write(Escape(value));
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            inner.WriteLine();
        }

        public override void WriteLine() => inner.WriteLine();

        public override void Flush() => inner.Flush();
    }
}
