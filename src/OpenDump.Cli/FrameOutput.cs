using OpenDump.Filtering;
using OpenDump.Output;
using OpenDump.Session;

namespace OpenDump.Cli;

/// <summary>
/// The output a command writes frames to (timeline, JSON Lines or JSON), with the error counter
/// that picks the exit code and the routing of messages to stderr. Shared by read and live.
/// </summary>
internal sealed class FrameOutput : IDisposable
{
    private readonly StreamWriter? _text;
    private readonly JsonLinesWriter? _jsonl;
    private readonly Action? _afterRun;

    /// <param name="selection">Which frames are written; the error counter (and so the exit code) still sees them all.</param>
    public FrameOutput(string format, bool verbose, Stream output, TextWriter stderr, bool toFile, bool live, Palette? palette = null, FrameSelection? selection = null)
    {
        Counter = new ProblemCounter();
        // JSON and the timeline's summaries work from a body's bytes; the verbose timeline and an expression filter read messages.
        // JSON Lines writes each frame as soon as it has it, so its bodies' JSON is written where they are checked.
        Bodies = (format is "jsonl" or "json" || !verbose) && selection?.Expression is null
            ? format == "jsonl" ? BodyDetail.Json : BodyDetail.Plaintext
            : BodyDetail.Message;
        // JSON Lines and the timeline write each frame as it comes and keep none; the JSON document keeps them all.
        LendPlaintext = format != "json" && Bodies != BodyDetail.Message;
        IAnalysisSink Selected(IAnalysisSink writer) => selection is null || selection.IsEverything ? writer : new FilteringSink(writer, selection);
        switch (format)
        {
            case "jsonl":
                _jsonl = new JsonLinesWriter(output, line => stderr.WriteLine(line)) { FlushEachLine = live };
                Sink = new TeeSink(Selected(_jsonl), Counter);
                break;
            case "json":
                Sink = new TeeSink(Selected(new JsonSessionsWriter(output)), Counter, new StderrDiagnostics(stderr));
                break;
            default:
                // Live output is read as it happens, so each line is flushed; a file read is buffered.
                _text = new StreamWriter(output, new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = live };
                Sink = new TeeSink(Selected(new TimelineWriter(_text, verbose, palette)), Counter);
                if (toFile) _afterRun = () => new StderrDiagnostics(stderr).Replay(Counter);
                break;
        }
    }

    public IAnalysisSink Sink { get; }

    /// <summary>What the analysis must keep of bodies for this output (<see cref="AnalyzerOptions.Bodies"/>).</summary>
    public BodyDetail Bodies { get; }

    /// <summary>Whether frames may borrow their plaintext (<see cref="AnalyzerOptions.LendPlaintext"/>).</summary>
    public bool LendPlaintext { get; }
    public ProblemCounter Counter { get; }

    public void Complete()
    {
        _text?.Flush();
        _afterRun?.Invoke();
    }

    public void Dispose()
    {
        _text?.Dispose();
        _jsonl?.Dispose();
    }
}
