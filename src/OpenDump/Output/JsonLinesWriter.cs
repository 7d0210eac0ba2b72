using System.Buffers;
using System.Text.Json;
using System.Text.Encodings.Web;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>One JSON object per frame, one frame per line, written as each frame completes.</summary>
public sealed class JsonLinesWriter : IAnalysisSink, IDisposable
{
    internal static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    // Lines go to the stream in large pieces: those rendered here gathered in a buffer, those prepared on the
    // workers as runs of their blocks.
    private const int WriteThreshold = 256 * 1024;
    private readonly Stream _out;
    private readonly ArrayBufferWriter<byte> _buffer = new(WriteThreshold + 64 * 1024);
    private readonly Action<string> _message;

    /// <param name="message">Where connection and capture diagnostics go (stderr in the CLI): they are not frames.</param>
    public JsonLinesWriter(Stream output, Action<string> message)
    {
        _out = output;
        _message = message;
    }

    /// <summary>Writes each line as it completes (for live captures, where a line must not wait for the next).</summary>
    public bool FlushEachLine { get; init; }

    /// <summary>Renders the line on the calling (worker) thread, after the lines it rendered before (<see cref="LineBlockWriter"/>).</summary>
    public void PrepareFrame(OpenDFrame frame)
    {
        var lines = LineBlockWriter.ForThisThread;
        lines.BeginLine();
        FrameJson.Write(lines, frame);
        lines.GetSpan(1)[0] = (byte)'\n';
        lines.Advance(1);
        frame.AddPrepared(lines.TakeLine(this));
    }

    // The run of prepared lines waiting to be written: consecutive lines of one block, which is how a worker
    // renders a batch, go to the stream in one call.
    private LineBlock? _runBlock;
    private int _runStart, _runEnd, _runLines;

    public void OnFrame(OpenDFrame frame)
    {
        if (frame.TakePrepared(this) is { Block: { } block } prepared)
        {
            if (_buffer.WrittenCount > 0) WriteOut();
            if (ReferenceEquals(block, _runBlock) && prepared.Offset == _runEnd)
            {
                _runEnd += prepared.Length;
                _runLines++;
            }
            else
            {
                WriteRun();
                (_runBlock, _runStart, _runEnd, _runLines) = (block, prepared.Offset, prepared.Offset + prepared.Length, 1);
            }
            if (FlushEachLine || _runEnd - _runStart >= WriteThreshold) WriteRun();
            if (FlushEachLine) _out.Flush();
            return;
        }
        WriteRun();
        FrameJson.Write(_buffer, frame);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        if (FlushEachLine || _buffer.WrittenCount >= WriteThreshold) WriteOut();
    }

    private void WriteRun()
    {
        if (_runBlock is not { } block) return;
        _runBlock = null;
        try
        {
            _out.Write(block.Buffer, _runStart, _runEnd - _runStart);
        }
        finally
        {
            block.LinesDone(_runLines);
        }
    }

    private void WriteOut()
    {
        _out.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
        if (FlushEachLine) _out.Flush();
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) =>
        _message($"{diagnostic.Severity.ToString().ToLowerInvariant()}: conn {connection.Number} ({connection.Client}-{connection.Server}): {diagnostic.Code}: {diagnostic.Message}");

    public void OnCaptureDiagnostic(Diagnostic diagnostic) =>
        _message($"{diagnostic.Severity.ToString().ToLowerInvariant()}: {diagnostic.Code}: {diagnostic.Message}");

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections)
    {
        WriteRun();
        WriteOut();
        _out.Flush();
    }

    public void Dispose()
    {
        if (_out.CanWrite)
        {
            WriteRun();
            if (_buffer.WrittenCount > 0) WriteOut();
        }
    }
}
