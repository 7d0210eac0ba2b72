using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;

namespace OpenDump.Session;

/// <summary>
/// Stands between the sessions and the sink. Sessions hand over their frames in capture order with the
/// body still to decode: decoding is the costliest step of a frame and depends on nothing but its body,
/// so it (and the sink's <see cref="IAnalysisSink.PrepareFrame"/>) may run on other threads. Whatever
/// the threads, the sink hears every call in the order the sessions made it, on the thread that feeds
/// the analyzer, so the output does not depend on the number of threads.
/// </summary>
internal abstract class FrameDelivery : IAnalysisSink, IDisposable
{
    protected FrameDelivery(IAnalysisSink sink, BodyDetail bodies, bool lendPlaintext)
    {
        Sink = sink;
        Bodies = bodies;
        LendPlaintext = lendPlaintext && bodies is BodyDetail.Plaintext or BodyDetail.Json;
    }

    protected IAnalysisSink Sink { get; }

    /// <summary>See <see cref="AnalyzerOptions.Bodies"/>.</summary>
    protected BodyDetail Bodies { get; }

    /// <summary>Whether frames borrow their plaintext arrays (<see cref="AnalyzerOptions.LendPlaintext"/>, <see cref="PlaintextLoans"/>).</summary>
    protected bool LendPlaintext { get; }

    /// <summary>
    /// Decodes the body into the frame on the calling thread; with <see cref="LendPlaintext"/>, from this thread's lent
    /// array, which is returned for the caller to give back once the sink is done with the frame (null otherwise).
    /// </summary>
    protected byte[]? Decode(OpenDFrame frame, ReadOnlySpan<byte> plain, int diagnosticsAt) => Decode(frame, plain, diagnosticsAt, Bodies, LendPlaintext);

    protected static byte[]? Decode(OpenDFrame frame, ReadOnlySpan<byte> plain, int diagnosticsAt, BodyDetail bodies, bool lendPlaintext)
    {
        if (!lendPlaintext)
        {
            FrameBodies.DecodeInto(frame, plain, diagnosticsAt, bodies);
            return null;
        }
        var lent = PlaintextLoans.ForThisThread.Lend(plain);
        FrameBodies.DecodeInto(frame, lent, diagnosticsAt, bodies, lent);
        return lent;
    }

    /// <param name="deferSha1">See <see cref="DefersSha1"/>; taken only with more than one thread.</param>
    public static FrameDelivery Create(IAnalysisSink sink, int threads, int batchFrames, BodyDetail bodies = BodyDetail.Message, bool lendPlaintext = false, bool deferSha1 = false) =>
        threads <= 1 ? new InlineDelivery(sink, bodies, lendPlaintext) : new ParallelDelivery(sink, threads, batchFrames, bodies, lendPlaintext, deferSha1);

    /// <summary>
    /// Whether a session may hand over a body it has not hashed, assuming it matches its header's SHA-1, for a decoding
    /// thread to check (see <see cref="Sha1Speculation"/>). A body that does not match stops the delivery with
    /// <see cref="DeferredSha1Mismatch"/> before anything from it on reaches the sink.
    /// </summary>
    public virtual bool DefersSha1 => false;

    /// <summary>
    /// A frame whose plaintext body is still to decode; <paramref name="plain"/> is valid only during the call.
    /// <paramref name="sha1Deferred"/>: the body is still to be checked against the header's SHA-1 (only when <see cref="DefersSha1"/>).
    /// <paramref name="decryptWith"/> (only with <paramref name="sha1Deferred"/>): <paramref name="plain"/> is still the
    /// ciphertext, to be decrypted with this cipher before the check; a body that does not decrypt fails it.
    /// </summary>
    public abstract void OnFrame(OpenDFrame frame, ReadOnlySpan<byte> plain, int diagnosticsAt, bool sha1Deferred = false, BodyCipher? decryptWith = null);

    public abstract void OnFrame(OpenDFrame frame);
    public abstract void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros);
    public abstract void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent);
    public abstract void OnCaptureDiagnostic(Diagnostic diagnostic);
    public abstract void OnComplete(IReadOnlyList<ConnectionSummary> connections);

    /// <summary>Returns once everything handed over so far has reached the sink.</summary>
    public abstract void Flush();

    public virtual void Dispose() { }
}

/// <summary>Everything on the calling thread, as it comes.</summary>
internal sealed class InlineDelivery(IAnalysisSink sink, BodyDetail bodies, bool lendPlaintext) : FrameDelivery(sink, bodies, lendPlaintext)
{
    public override void OnFrame(OpenDFrame frame, ReadOnlySpan<byte> plain, int diagnosticsAt, bool sha1Deferred = false, BodyCipher? decryptWith = null)
    {
        if (sha1Deferred || decryptWith is not null) throw new InvalidOperationException("a body handed over unhashed to a delivery that does not check SHA-1s");
        var lent = Decode(frame, plain, diagnosticsAt);
        Sink.OnFrame(frame);
        if (lent is not null) PlaintextLoans.GiveBack(frame, lent, keep: false);
    }

    public override void OnFrame(OpenDFrame frame) => Sink.OnFrame(frame);
    public override void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) => Sink.OnConnectionDiagnostic(connection, diagnostic, timestampMicros);
    public override void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent) => Sink.OnConnectionEvent(connection, connectionEvent);
    public override void OnCaptureDiagnostic(Diagnostic diagnostic) => Sink.OnCaptureDiagnostic(diagnostic);
    public override void OnComplete(IReadOnlyList<ConnectionSummary> connections) => Sink.OnComplete(connections);
    public override void Flush() { }
}
