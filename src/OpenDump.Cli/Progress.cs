using System.Diagnostics;
using OpenDump.Capture;

namespace OpenDump.Cli;

/// <summary>
/// A one-line progress report on stderr, only when stderr is a terminal, so it never mixes with
/// data or with messages a script reads. Redrawn at most every 200 ms and wiped at the end.
/// </summary>
internal sealed class Progress(TextWriter stderr, bool enabled)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1000;
    private bool _drawn;
    private const int BarWidth = 24;

    public static Progress ForTerminal(TextWriter stderr, bool dataOnTerminal) =>
        new(stderr, !dataOnTerminal && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb");

    public void Report(ICaptureSource source, long frames)
    {
        if (!enabled) return;
        var now = _clock.ElapsedMilliseconds;
        if (now - _lastDraw < 200) return;
        _lastDraw = now;
        var seconds = Math.Max(now / 1000.0, 0.001);
        string done;
        if (source.Position is { } pos && source.Length is { } len and > 0)
        {
            var fraction = Math.Clamp((double)pos / len, 0, 1);
            var filled = (int)(fraction * BarWidth);
            done = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {100 * fraction,5:0.0}%  {pos / 1e6:0} of {len / 1e6:0} MB  {pos / 1e6 / seconds,6:0.0} MB/s  ";
        }
        else
        {
            // Standard input has no length: bytes read so far is all there is to show.
            done = source.Position is { } read ? $"{read / 1e6:0} MB read  {read / 1e6 / seconds,6:0.0} MB/s  " : "";
        }
        stderr.Write($"\r  {source.Name}: {done}{frames} frames ({frames / seconds:0}/s)\u001b[K");
        _drawn = true;
    }

    public void Clear()
    {
        if (!_drawn) return;
        _drawn = false;
        stderr.Write("\r\u001b[2K");
        stderr.Flush();
    }
}

/// <summary>Wipes the progress line before a message is written, so messages never land on it.</summary>
internal sealed class ProgressAwareWriter(TextWriter inner, Progress progress) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        progress.Clear();
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        progress.Clear();
        inner.Write(value);
    }

    public override void WriteLine(string? value)
    {
        progress.Clear();
        inner.WriteLine(value);
    }

    public override void Flush() => inner.Flush();
}
