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
    // Lines are gathered in a buffer of ours and written in large pieces. A Utf8JsonWriter flushed straight
    // to a stream would zero its buffer on every flush, which cost more than writing the JSON.
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

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_line;

    /// <summary>Renders the line on the calling (worker) thread; <see cref="OnFrame"/> only copies it out.</summary>
    public void PrepareFrame(OpenDFrame frame)
    {
        var line = t_line ??= new ArrayBufferWriter<byte>(4096);
        line.ResetWrittenCount();
        FrameJson.Write(line, frame);
        var length = line.WrittenCount + 1;
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        line.WrittenSpan.CopyTo(bytes);
        bytes[length - 1] = (byte)'\n';
        frame.Prepared = new PreparedOutput(this, bytes, length);
        if (line.Capacity > 1 << 20) t_line = null; // one huge body does not pin its buffer
    }

    public void OnFrame(OpenDFrame frame)
    {
        if (frame.Prepared is { } prepared && ReferenceEquals(prepared.Owner, this))
        {
            frame.Prepared = null;
            prepared.Buffer.AsSpan(0, prepared.Length).CopyTo(_buffer.GetSpan(prepared.Length));
            _buffer.Advance(prepared.Length);
            ArrayPool<byte>.Shared.Return(prepared.Buffer);
            if (FlushEachLine || _buffer.WrittenCount >= WriteThreshold) WriteOut();
            return;
        }
        FrameJson.Write(_buffer, frame);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        if (FlushEachLine || _buffer.WrittenCount >= WriteThreshold) WriteOut();
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
        WriteOut();
        _out.Flush();
    }

    public void Dispose()
    {
        if (_buffer.WrittenCount > 0 && _out.CanWrite) WriteOut();
    }
}
