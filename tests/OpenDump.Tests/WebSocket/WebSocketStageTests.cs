using System.Text;
using OpenDump.Framing;
using OpenDump.Testing;
using OpenDump.WebSocket;
using Xunit;

namespace OpenDump.Tests.WebSocket;

/// <summary>The WebSocket stage's parts on their own: HTTP heads, extension parameters, frame headers, masking, SDK headers.</summary>
public sealed class WebSocketStageTests
{
    [Fact]
    public void An_upgrade_request_head_gives_its_target_and_offered_extensions()
    {
        var bytes = Encoding.ASCII.GetBytes("GET /ws?x=1 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame\r\n\r\nrest");
        var end = HttpHead.FindEnd(bytes);
        Assert.Equal(bytes.Length - 4, end);
        var head = HttpHead.TryParse(bytes.AsSpan(0, end), out var problem)!;
        Assert.Null(problem);
        Assert.Equal((true, "GET", "/ws?x=1"), (head.IsRequest, head.Method, head.Target));
        Assert.True(head.HasToken("connection", "upgrade"));
        var offered = WebSocketExtension.Parse(head);
        Assert.Equal(["permessage-deflate; client_max_window_bits", "x-webkit-deflate-frame"], offered.Select(e => e.ToString()));
        Assert.True(offered[0].Has("client_max_window_bits"));
        Assert.Null(offered[0].Value("client_max_window_bits"));
    }

    [Theory]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\n\r\n", null)]
    [InlineData("HTTP/1.1 1O1 Switching\r\n\r\n", "status line \"HTTP/1.1 1O1 Switching\" has no three-digit status code")]
    [InlineData("GET /\r\n\r\n", "request line \"GET /\" is not \"METHOD target HTTP/version\"")]
    [InlineData("HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n", "header line 2 \"Upgrade websocket\" is not \"name: value\"")]
    public void Malformed_heads_name_the_first_thing_wrong(string text, string? expected)
    {
        HttpHead.TryParse(Encoding.ASCII.GetBytes(text), out var problem);
        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("permessage-deflate", false, false, null, null, null)]
    [InlineData("permessage-deflate; server_no_context_takeover; client_max_window_bits=9", true, false, null, 9, null)]
    [InlineData("permessage-deflate; client_no_context_takeover; server_max_window_bits=\"12\"", false, true, 12, null, null)]
    [InlineData("permessage-deflate; server_max_window_bits=16", false, false, null, null, "server_max_window_bits=16 is outside 8..15")]
    public void Accepted_deflate_parameters_are_read_per_sender(string accepted, bool serverNo, bool clientNo, int? serverBits, int? clientBits, string? expectedProblem)
    {
        var head = HttpHead.TryParse(Encoding.ASCII.GetBytes($"HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: {accepted}\r\n\r\n"), out _)!;
        var deflate = PerMessageDeflate.From(WebSocketExtension.Parse(head), out var problem)!;
        Assert.Equal((serverNo, clientNo, serverBits, clientBits), (deflate.ServerNoContextTakeover, deflate.ClientNoContextTakeover, deflate.ServerMaxWindowBits, deflate.ClientMaxWindowBits));
        Assert.Equal(serverNo, deflate.NoContextTakeover(fromServer: true));
        Assert.Equal(expectedProblem, problem);
    }

    [Theory]
    [InlineData(5, WsLengthForm.Shortest, 6)]
    [InlineData(5, WsLengthForm.Force16, 8)]
    [InlineData(5, WsLengthForm.Force64, 14)]
    [InlineData(70_000, WsLengthForm.Shortest, 14)]
    public void Frame_headers_read_every_length_form_and_the_mask(int length, WsLengthForm form, int headerSize)
    {
        var payload = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var frame = WsFrames.Frame(WsFrames.OpBinary, payload, maskKey: [0x37, 0xfa, 0x21, 0x3d], form: form);
        Assert.True(WebSocketFrameHeader.TryRead(frame, out var h, out var problem));
        Assert.Null(problem);
        Assert.Equal((true, WebSocketOpcode.Binary, true, 0x37fa213du, (long)length, headerSize), (h.Fin, h.Opcode, h.Masked, h.MaskKey, h.PayloadLength, h.Size));
        var body = frame.AsSpan(h.Size).ToArray();
        WebSocketFrameHeader.Unmask(body, h.MaskKey, 0);
        Assert.Equal(payload, body);
        // One byte short of the header is "need more", never a problem.
        Assert.False(WebSocketFrameHeader.TryRead(frame.AsSpan(0, headerSize - 1), out _, out problem));
        Assert.Null(problem);
    }

    [Fact]
    public void A_64_bit_length_with_its_top_bit_set_cannot_be_delimited()
    {
        byte[] frame = [0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1];
        Assert.False(WebSocketFrameHeader.TryRead(frame, out _, out var problem));
        Assert.Contains("most significant bit", problem);
    }

    [Theory]
    [InlineData(new byte[] { 0x83, 0x00 }, "reserved opcode 3")]
    [InlineData(new byte[] { 0x92, 0x00 }, "reserved bits RSV2/RSV3 set (0x10)")]
    [InlineData(new byte[] { 0x09, 0x00 }, "fragmented ping frame (control frames cannot be fragmented)")]
    [InlineData(new byte[] { 0xc9, 0x00 }, "ping frame with RSV1 set")]
    [InlineData(new byte[] { 0x40, 0x00 }, "continuation frame with RSV1 set (only a message's first frame carries it)")]
    [InlineData(new byte[] { 0x82, 0x00 }, null)]
    public void Rfc_violations_are_named(byte[] header, string? expected)
    {
        Assert.True(WebSocketFrameHeader.TryRead(header, out var h, out _));
        Assert.Equal(expected, h.Violation());
    }

    [Fact]
    public void Sdk_headers_read_big_endian_fields_and_the_unterminated_errmsg()
    {
        var server = WsFrames.ServerMessage(3010, 0x0102030405060708, -7, "an errmsg of exactly20", [9, 9]);
        Assert.True(SdkMessageHeader.TryRead(server, fromServer: true, out var h, out _));
        Assert.Equal((3010u, 0x0102030405060708ul, (int?)-7, "an errmsg of exactly"), (h.Cmd, h.Section, h.Error, h.Errmsg));
        Assert.True(SdkMessageHeader.TryRead(WsFrames.ClientMessage(1002, 3, []), fromServer: false, out h, out _));
        Assert.Equal((1002u, 3ul, (int?)null), (h.Cmd, h.Section, h.Error));
        Assert.False(SdkMessageHeader.TryRead(server.AsSpan(0, 30), fromServer: true, out _, out var problem));
        Assert.Equal("30 bytes, shorter than the 44-byte server header", problem);
        Assert.False(SdkMessageHeader.TryRead("ft-v2.0\0aaaaaaaaaaaaaaaaaaaaaaaaa"u8, fromServer: false, out _, out problem));
        Assert.Contains("SDK sign", problem);
    }
}
