using System.Net;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Filtering;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Session;
using Xunit;

namespace OpenDump.Tests.Filtering;

public sealed class FilteringSinkTests
{
    [Fact]
    public void Only_frames_the_selection_keeps_are_prepared_and_none_before_the_origin_is_known()
    {
        var inner = new Recorder();
        var sink = new FilteringSink(inner, new FrameSelection { Kinds = new HashSet<FrameKind> { FrameKind.Push } });
        var push = Frame(1, FrameKind.Push);
        var request = Frame(2, FrameKind.Request);

        // Before anything was heard, a dropped frame's prepared line would never be taken back.
        ((IAnalysisSink)sink).PrepareFrame(push);
        Assert.Empty(inner.Prepared);

        sink.OnFrame(request);
        Assert.Empty(inner.Delivered);
        ((IAnalysisSink)sink).PrepareFrame(request);
        ((IAnalysisSink)sink).PrepareFrame(push);
        sink.OnFrame(push);
        Assert.Equal([1L], inner.Prepared);
        Assert.Equal([1L], inner.Delivered);
    }

    private static OpenDFrame Frame(long number, FrameKind kind) => new()
    {
        Number = number, TimestampMicros = 1_000_000 * number, PacketNumber = number,
        Connection = new TcpConnection(1, new Endpoint(IPAddress.Loopback, 50000), new Endpoint(IPAddress.Loopback, 11111), 0, false, Transport.Tcp),
        Direction = kind == FrameKind.Request ? FlowDirection.ClientToServer : FlowDirection.ServerToClient,
        Transport = Transport.Tcp, ProtoId = 3005, SerialNo = (ulong)number, BodyLen = 0, ProtoFmt = 0, Proto = null,
        Kind = kind, Encryption = EncryptionKind.None, Decrypted = true, Sha1Ok = true,
    };

    private sealed class Recorder : IAnalysisSink
    {
        public readonly List<long> Prepared = [];
        public readonly List<long> Delivered = [];
        public void PrepareFrame(OpenDFrame frame) => Prepared.Add(frame.Number);
        public void OnFrame(OpenDFrame frame) => Delivered.Add(frame.Number);
        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) { }
        public void OnCaptureDiagnostic(Diagnostic diagnostic) { }
        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
    }
}
