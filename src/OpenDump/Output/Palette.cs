namespace OpenDump.Output;

/// <summary>
/// ANSI colours for the human outputs. <see cref="None"/> writes plain text, which is what every output
/// gets unless the CLI decided the text goes to a terminal that wants colour (see --color, NO_COLOR).
/// </summary>
public sealed class Palette
{
    public static Palette None { get; } = new(false);
    public static Palette Ansi { get; } = new(true);

    private readonly bool _on;

    private Palette(bool on) => _on = on;

    public bool Enabled => _on;

    public string Failure(string text) => Wrap("1;31", text);
    public string Problem(string text) => Wrap("33", text);
    public string Push(string text) => Wrap("36", text);
    public string Request(string text) => Wrap("32", text);
    public string Reply(string text) => Wrap("34", text);
    public string Heading(string text) => Wrap("1", text);
    public string Dim(string text) => Wrap("2", text);

    /// <summary>What <see cref="Push"/> puts before and after its text, for a writer that writes the text itself.</summary>
    internal string PushStart => _on ? "\u001b[36m" : "";
    internal string End => _on ? "\u001b[0m" : "";

    private string Wrap(string code, string text) => _on ? $"\u001b[{code}m{text}{End}" : text;
}
