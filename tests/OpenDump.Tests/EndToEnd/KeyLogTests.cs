using System.Text;
using Google.Protobuf;
using OpenDump.Capture;
using OpenDump.Cli;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Testing;
using OpenDump.Tests.Cli;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>Captures that start after InitConnect: keys learned from an earlier capture (or typed) decode them.</summary>
public sealed class KeyLogTests
{
    /// <summary>A copy of a capture without its TCP handshakes and InitConnect frames, as if it had started late.</summary>
    private static string WithoutHandshakes(string pcap)
    {
        var path = Path.Combine(Path.GetTempPath(), $"opendump-late-{Guid.NewGuid():N}.pcap");
        using var source = new PcapFileSource(pcap);
        using var file = File.Create(path);
        using var writer = new PcapWriter(file, LinkKind.Ethernet);
        var decoder = new PacketDotNetLinkDecoder();
        while (source.TryReadNext(out var packet))
        {
            if (decoder.TryDecode(packet, out var segment, out _) != LinkDecodeStatus.Tcp) continue;
            var p = segment.Payload.Span;
            var isInitConnect = p.Length >= 44 && p[0] == 'F' && p[1] == 'T' && BitConverter.ToUInt32(p[2..6]) == 1001;
            if (segment.Has(TcpFlags.Syn) || isInitConnect) continue;
            writer.WritePacket(packet.TimestampMicros, packet.Data.Span);
        }
        return path;
    }

    [Fact]
    public void A_late_capture_of_the_sdk_session_decodes_fully_with_the_key_log_from_an_earlier_one()
    {
        var late = WithoutHandshakes(Fixtures.SdkTcp("cbc.pcap"));
        var keylog = Path.GetTempFileName();
        try
        {
            // Keys from the full capture, through the real command.
            var (code, _, stderr) = KeysCli(Fixtures.SdkTcp("cbc.pcap"), "--rsa-key", Fixtures.SdkKey, "-o", keylog);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("2 of 2 connection(s) with keys", stderr);
            Assert.Equal(2, KeyLog.Load(keylog).Count);

            var full = SdkCaptureTests.Decode("cbc", withKey: true).Frames.Where(f => f.ProtoId != 1001).ToList();

            var without = Read(late, []);
            Assert.Equal(full.Count, without.Frames.Count);
            Assert.All(without.Frames, f => Assert.Null(f.Message));
            Assert.Equal(2, without.ConnectionDiagnostics.Count(d => d.Diagnostic.Code == DiagnosticCodes.KeysUnknown));
            Assert.Equal(full.Select(f => (f.ProtoId, f.SerialNo, f.Kind)), without.Frames.Select(f => (f.ProtoId, f.SerialNo, f.Kind)));

            var with = Read(late, KeyLog.Load(keylog));
            Assert.Equal(full.Count, with.Frames.Count);
            Assert.All(with.Frames, f => Assert.True(f.Sha1Ok));
            Assert.Equal(full.Select(f => f.Message!.ToByteArray()), with.Frames.Select(f => f.Message!.ToByteArray()), new BytesComparer());
            Assert.Equal(["3274675210954266009", "4025925079517738684"], with.Connections.Select(c => c.ConnId));
            Assert.Equal(2, with.ConnectionDiagnostics.Count(d => d.Diagnostic.Code == DiagnosticCodes.KeyFromLog && d.Diagnostic.Message.Contains("matched by address")));
            Assert.DoesNotContain(with.AllCodes, c => c == DiagnosticCodes.KeysUnknown);
        }
        finally
        {
            File.Delete(late);
            File.Delete(keylog);
        }
    }

    [Fact]
    public void An_entry_with_only_a_connid_is_found_by_trying_it_and_a_wrong_one_is_refused()
    {
        var late = WithoutHandshakes(Fixtures.SdkTcp("ftaes.pcap"));
        try
        {
            var learned = SdkCaptureTests.Decode("ftaes", withKey: true).Connections.Select(c => c.Keys!).ToList();
            var connIdOnly = learned.Select(k => k with { Client = null, Server = null, Algorithm = null }).Reverse().ToList();
            var sink = Read(late, connIdOnly);
            Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
            Assert.Equal(2, sink.ConnectionDiagnostics.Count(d => d.Diagnostic.Code == DiagnosticCodes.KeyFromLog && d.Diagnostic.Message.Contains("found by trying")));
            Assert.All(sink.Connections, c => Assert.Equal(EncryptionKind.FtAesEcb, c.Encryption));

            var wrong = Read(late, [learned[0] with { Key = "0000000000000000"u8.ToArray() }]);
            Assert.All(wrong.Frames, f => Assert.Null(f.Sha1Ok));
            Assert.Contains(wrong.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.KeysUnknown && d.Diagnostic.Message.Contains("none of the 1 supplied key(s)"));
        }
        finally
        {
            File.Delete(late);
        }
    }

    [Fact]
    public void A_key_typed_on_the_command_line_decodes_one_connection()
    {
        var conversation = new ConversationBuilder(Endpoint.Parse("10.9.8.7:50000"), Endpoint.Parse("10.9.8.1:11111"))
            .AssumeSession(BodyEncryption.AesCbc, "typedKeyTyped123", "typedIvTypedIv45", connId: 77)
            .Request(3004, 5, new QotGetBasicQot.Request { C2S = new QotGetBasicQot.C2S { SecurityList = { new QotCommon.Security { Market = 1, Code = "00700" } } } })
            .Reply(3004, 5, new QotGetBasicQot.Response { RetType = 0, S2C = new QotGetBasicQot.S2C() })
            .Build();
        var path = conversation.Segment(new SegmenterOptions { Handshake = false }).WriteTemp();
        try
        {
            var (code, stdout, stderr) = ReadCommandTests.Read(path, "--aes-key", "typedKeyTyped123", "--aes-iv", "typedIvTypedIv45", "--format", "jsonl");
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("opendump.key_from_log", stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.All(lines, l => Assert.Contains("\"encryption\":\"aes-cbc\",\"decrypted\":true,\"sha1Ok\":true", l));
            Assert.Contains("\"code\": \"00700\"", lines[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("1 127.0.0.1:1 127.0.0.1:2 aes-cbc 00", "t.log:1: expected 6 fields")]
    [InlineData("# c\n1 127.0.0.1:1 127.0.0.1:2 aes-gcm 00112233445566778899aabbccddeeff -", "t.log:2: algorithm 'aes-gcm'")]
    [InlineData("1 nowhere 127.0.0.1:2 aes-cbc 00112233445566778899aabbccddeeff -", "t.log:1: 'nowhere' is not ip:port")]
    [InlineData("1 - - - 0011 -", "t.log:1: key must be 32 hex digits")]
    public void Bad_key_log_lines_are_named_by_line(string text, string message)
    {
        var e = Assert.Throws<KeyLoadException>(() => KeyLog.Parse(text, "t.log"));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Key_log_lines_round_trip()
    {
        var entry = new KeyLogEntry("42", Endpoint.Parse("[::1]:5"), Endpoint.Parse("10.0.0.1:11111"), EncryptionKind.AesCbc, Encoding.ASCII.GetBytes("abcdefghijklmnop"), Encoding.ASCII.GetBytes("ponmlkjihgfedcba"));
        var back = Assert.Single(KeyLog.Parse(KeyLog.Header + "\n" + KeyLog.Format(entry) + "\n"));
        Assert.Equal((entry.ConnId, entry.Client, entry.Server, entry.Algorithm), (back.ConnId, back.Client, back.Server, back.Algorithm));
        Assert.Equal(entry.Key, back.Key);
        Assert.Equal(entry.Iv, back.Iv);
    }

    private static CollectingSink Read(string pcap, IReadOnlyList<KeyLogEntry> keys)
    {
        var sink = new CollectingSink();
        using var source = new PcapFileSource(pcap);
        CaptureAnalyzer.Run(source, new AnalyzerOptions { SuppliedKeys = keys }, sink);
        return sink;
    }

    private static (int, string, string) KeysCli(params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var code = KeysCommand.Run(args, stdout, stderr);
        return (code, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
