using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;

namespace OpenDump.Session;

/// <summary>
/// Hashing every body is the largest single cost of the thread that frames the capture, and that thread is the one the
/// others wait for. On a connection whose bodies have already matched their SHA-1, a body that does not is taken for a
/// false sync and framing restarts a byte later, so the framer cannot accept the next header before the verdict. With
/// a decoding thread and a capture that can be read again, the session instead assumes the body matches and leaves the
/// hash to the decoding thread; on an AES connection (with the AES-NI cipher, which any thread may use) it leaves the
/// decryption there too, assuming the body decrypts, and a body that does not counts as one that fails. Nearly always
/// it does. When it does not, nothing from that frame on reaches the sink: the analysis starts over from the capture's
/// first packet with every hash taken in place, and the sink is spared the calls it already heard
/// (<see cref="AlreadyDeliveredSink"/>). Up to the first body that fails, both ways make the same calls in the same
/// order, so the output is the same, at the price of reading a damaged capture twice.
/// </summary>
internal static class Sha1Speculation
{
    /// <summary>The check the session would have made in place (<see cref="OpenDSession.Sha1Matches"/>).</summary>
    public static bool Matches(OpenDFrame frame, ReadOnlySpan<byte> plaintext) =>
        frame.Header is { } header && OpenDSession.Sha1Matches(header, plaintext);

    /// <summary>
    /// Confirms what the session assumed of a body: with <paramref name="decryptWith"/>, <paramref name="body"/> is the
    /// ciphertext, decrypted in place and narrowed to the plaintext; then the plaintext must match the header's SHA-1.
    /// </summary>
    public static bool TryConfirm(OpenDFrame frame, BodyCipher? decryptWith, ref Span<byte> body)
    {
        if (decryptWith is not null)
        {
            if (!decryptWith.TryDecrypt(body, body, out var written, out _)) return false;
            body = body[..written];
        }
        return Matches(frame, body);
    }
}

/// <summary>A body handed over unhashed did not match its SHA-1; the sink had heard this much before it.</summary>
internal sealed class DeferredSha1Mismatch(long deliveredCalls, long lastDeliveredFrame)
    : Exception($"a body left to a decoding thread did not match its SHA-1 after {deliveredCalls} calls to the sink")
{
    /// <summary>Calls the sink has had (frames, diagnostics, events).</summary>
    public long DeliveredCalls { get; } = deliveredCalls;

    /// <summary>The number of the last frame among them (0 when none).</summary>
    public long LastDeliveredFrame { get; } = lastDeliveredFrame;
}

/// <summary>
/// The sink of the second pass after <see cref="DeferredSha1Mismatch"/>: the first <paramref name="deliveredCalls"/> calls
/// were made in the first pass, and frames up to <paramref name="lastDeliveredFrame"/> were prepared and written there.
/// </summary>
internal sealed class AlreadyDeliveredSink(IAnalysisSink sink, long deliveredCalls, long lastDeliveredFrame) : IAnalysisSink
{
    private long _calls;

    private bool Heard() => _calls++ < deliveredCalls;

    public void OnFrame(OpenDFrame frame)
    {
        if (!Heard()) sink.OnFrame(frame);
    }

    // On the decoding threads: frame numbers, unlike the count of calls, are known there.
    public void PrepareFrame(OpenDFrame frame)
    {
        if (frame.Number > lastDeliveredFrame) sink.PrepareFrame(frame);
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros)
    {
        if (!Heard()) sink.OnConnectionDiagnostic(connection, diagnostic, timestampMicros);
    }

    public void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent)
    {
        if (!Heard()) sink.OnConnectionEvent(connection, connectionEvent);
    }

    // Not one of the delivery's calls (filters make it), so not counted among them.
    public void OnTimeOrigin(long timestampMicros) => sink.OnTimeOrigin(timestampMicros);

    public void OnCaptureDiagnostic(Diagnostic diagnostic)
    {
        if (!Heard()) sink.OnCaptureDiagnostic(diagnostic);
    }

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections)
    {
        if (!Heard()) sink.OnComplete(connections);
    }
}
