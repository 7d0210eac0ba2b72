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
    private readonly Stream _out;
    private readonly Utf8JsonWriter _writer;
    private readonly Action<string> _message;

    /// <param name="message">Where connection and capture diagnostics go (stderr in the CLI): they are not frames.</param>
    public JsonLinesWriter(Stream output, Action<string> message)
    {
        _out = output;
        _writer = new Utf8JsonWriter(output, Options);
        _message = message;
    }

    public void OnFrame(OpenDFrame frame)
    {
        FrameJson.Write(_writer, frame);
        _writer.Flush();
        _writer.Reset();
        _out.WriteByte((byte)'\n');
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) =>
        _message($"{diagnostic.Severity.ToString().ToLowerInvariant()}: conn {connection.Number} ({connection.Client}-{connection.Server}): {diagnostic.Code}: {diagnostic.Message}");

    public void OnCaptureDiagnostic(Diagnostic diagnostic) =>
        _message($"{diagnostic.Severity.ToString().ToLowerInvariant()}: {diagnostic.Code}: {diagnostic.Message}");

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections) => _out.Flush();

    public void Dispose() => _writer.Dispose();
}
