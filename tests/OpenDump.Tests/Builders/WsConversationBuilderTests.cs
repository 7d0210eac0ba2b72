using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using OpenDump.Link;
using OpenDump.Testing;
using Xunit;
// The analyzer's OpenDump.WebSocket namespace would otherwise hide System.Net.WebSockets.WebSocket here.
using DotNetWebSocket = System.Net.WebSockets.WebSocket;

namespace OpenDump.Tests.Builders;

/// <summary>
/// The WebSocket builders checked against .NET's own WebSocket and permessage-deflate implementation,
/// which shares no code with them: whatever they write, System.Net.WebSockets must read back the same.
/// </summary>
public sealed class WsConversationBuilderTests
{
    private static readonly Endpoint Client = Endpoint.Parse("127.0.0.1:50321");
    private static readonly Endpoint Server = Endpoint.Parse($"127.0.0.1:{WsFrames.DefaultPort}");

    private const uint GetGlobalStateCmd = 1002, QotSubCmd = 3001, QotGetBasicQotCmd = 3004, QotUpdateBasicQotCmd = 3005;

    private static QotGetBasicQot.Request Quote(string code) =>
        new() { C2S = new() { SecurityList = { new QotCommon.Security { Market = 1, Code = code } } } };

    /// <summary>A request of a few kilobytes whose codes repeat only by chance, so it compresses moderately on its own.</summary>
    private static QotSub.Request BulkySub()
    {
        var random = new SeededRandom(7);
        var request = new QotSub.Request { C2S = new() { IsSubOrUnSub = true, SubTypeList = { 1, 2, 4 } } };
        for (var i = 0; i < 300; i++)
            request.C2S.SecurityList.Add(new QotCommon.Security { Market = 1, Code = random.Next(100_000).ToString("D5") });
        return request;
    }

    private static QotUpdateBasicQot.Response NoisyPush(int hexChars) => new() { RetType = 0, RetMsg = Noise(hexChars) };

    private static string Noise(int hexChars)
    {
        var bytes = new byte[(hexChars + 1) / 2];
        new SeededRandom(hexChars).NextBytes(bytes);
        return Convert.ToHexStringLower(bytes)[..hexChars];
    }

    // ---- encoders ----

    [Fact]
    public void Sec_WebSocket_Accept_matches_the_RFC_6455_example()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WsFrames.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="));

        var conversation = new WsConversationBuilder(Client, Server)
            .UpgradeRequest(key: "dGhlIHNhbXBsZSBub25jZQ==")
            .UpgradeResponse()
            .Build();
        Assert.Contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", Ascii(conversation.Messages[1].Bytes));
    }

    [Fact]
    public void Sdk_headers_are_big_endian_behind_the_ft_sign()
    {
        Assert.Equal("66742d76312e3000000003ea0000000000000003",
            Convert.ToHexStringLower(WsFrames.ClientMessage(GetGlobalStateCmd, 3, [])));

        var reply = WsFrames.ServerMessage(QotGetBasicQotCmd, 0x0102030405060708, -2, "no quote right", [0xAA, 0xBB]);
        Assert.Equal(WsFrames.ServerHeaderLength + 2, reply.Length);
        Assert.Equal("ft-v1.0\0"u8.ToArray(), reply[..8]);
        Assert.Equal("00000bbc" + "0102030405060708" + "fffffffe", Convert.ToHexStringLower(reply[8..24]));
        Assert.Equal("no quote right"u8.ToArray().Concat(new byte[6]), reply[24..44]);
        Assert.Equal([0xAA, 0xBB], reply[44..]);
    }

    [Fact]
    public void Errmsg_is_cut_to_twenty_bytes_even_inside_a_character()
    {
        var ascii = WsFrames.ServerMessage(1, 2, 1, "abcdefghijklmnopqrstuvwxyz", []);
        Assert.Equal("abcdefghijklmnopqrst"u8.ToArray(), ascii[24..44]);

        // 19 ASCII bytes and a 3-byte character: only its first byte fits.
        var cut = WsFrames.ServerMessage(1, 2, 1, "0123456789012345678\u4e2d", []);
        Assert.Equal(0xE4, cut[43]);
        Assert.Equal(WsFrames.ServerHeaderLength, cut.Length);
    }

    [Theory]
    [InlineData(0, WsLengthForm.Shortest, "8200")]
    [InlineData(125, WsLengthForm.Shortest, "827d")]
    [InlineData(126, WsLengthForm.Shortest, "827e007e")]
    [InlineData(65535, WsLengthForm.Shortest, "827effff")]
    [InlineData(65536, WsLengthForm.Shortest, "827f0000000000010000")]
    [InlineData(5, WsLengthForm.Force16, "827e0005")]
    [InlineData(5, WsLengthForm.Force64, "827f0000000000000005")]
    public void Frame_lengths_take_the_form_asked_for(int length, WsLengthForm form, string header)
    {
        var frame = WsFrames.Frame(WsFrames.OpBinary, new byte[length], form: form);
        Assert.Equal(header, Convert.ToHexStringLower(frame[..(header.Length / 2)]));
        Assert.Equal(header.Length / 2 + length, frame.Length);
    }

    [Fact]
    public void Masking_xors_the_payload_and_a_sixteen_bit_length_cannot_hold_more()
    {
        var frame = WsFrames.Frame(WsFrames.OpText, "Hello"u8, maskKey: [0x37, 0xFA, 0x21, 0x3D]);
        Assert.Equal("818537fa213d7f9f4d5158", Convert.ToHexStringLower(frame)); // RFC 6455 §5.7

        var fragment = WsFrames.Frame(WsFrames.OpContinuation, [1], fin: false, rsv1: true);
        Assert.Equal("400101", Convert.ToHexStringLower(fragment));

        Assert.Throws<ArgumentException>(() => WsFrames.Frame(WsFrames.OpBinary, new byte[65536], form: WsLengthForm.Force16));
    }

    [Fact]
    public void Close_payload_is_a_big_endian_code_and_utf8_reason()
    {
        Assert.Equal("03e8627965", Convert.ToHexStringLower(WsFrames.ClosePayload(1000, "bye")));
        Assert.Empty(WsFrames.ClosePayload(null));
        Assert.Throws<ArgumentException>(() => WsFrames.ClosePayload(null, "why"));
    }

    // ---- the upgrade ----

    [Fact]
    public void Upgrade_offers_what_the_sdk_offers_and_answers_the_seeded_key()
    {
        var conversation = new WsConversationBuilder(Client, Server, seed: 5)
            .Upgrade(path: "/", acceptedExtensions: "permessage-deflate; client_max_window_bits=15")
            .Build();

        var request = Ascii(conversation.Messages[0].Bytes);
        var key = Header(request, "Sec-WebSocket-Key");
        Assert.StartsWith("GET / HTTP/1.1\r\n", request);
        Assert.Equal($"127.0.0.1:{WsFrames.DefaultPort}", Header(request, "Host"));
        Assert.Equal("websocket", Header(request, "Upgrade"));
        Assert.Equal("Upgrade", Header(request, "Connection"));
        Assert.Equal("13", Header(request, "Sec-WebSocket-Version"));
        Assert.Equal(WsConversationBuilder.SdkExtensionOffer, Header(request, "Sec-WebSocket-Extensions"));
        Assert.Equal(16, Convert.FromBase64String(key).Length);
        Assert.EndsWith("\r\n\r\n", request);

        var response = Ascii(conversation.Messages[1].Bytes);
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", response);
        Assert.Equal(WsFrames.AcceptKey(key), Header(response, "Sec-WebSocket-Accept"));
        Assert.Equal("permessage-deflate; client_max_window_bits=15", Header(response, "Sec-WebSocket-Extensions"));
        Assert.Equal(Direction.ServerToClient, conversation.Messages[1].Dir);
        Assert.All(conversation.Messages, m => Assert.Null(m.ProtoId));

        var again = new WsConversationBuilder(Client, Server, seed: 5).Upgrade().Build();
        var otherSeed = new WsConversationBuilder(Client, Server, seed: 6).Upgrade().Build();
        Assert.Equal(key, Header(Ascii(again.Messages[0].Bytes), "Sec-WebSocket-Key"));
        Assert.NotEqual(key, Header(Ascii(otherSeed.Messages[0].Bytes), "Sec-WebSocket-Key"));
    }

    [Fact]
    public void A_refused_upgrade_is_a_plain_http_answer_and_switches_nothing_on()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .UpgradeRequest(path: "/ws", offeredExtensions: null)
            .UpgradeResponse(400, body: "bad websocket key")
            .Build();

        var request = Ascii(conversation.Messages[0].Bytes);
        Assert.StartsWith("GET /ws HTTP/1.1\r\n", request);
        Assert.DoesNotContain("Sec-WebSocket-Extensions", request);
        var response = Ascii(conversation.Messages[1].Bytes);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", response);
        Assert.Equal("17", Header(response, "Content-Length"));
        Assert.EndsWith("\r\n\r\nbad websocket key", response);
        Assert.DoesNotContain("Sec-WebSocket-Accept", response);

        Assert.Throws<ArgumentException>(() => new WsConversationBuilder(Client, Server).UpgradeRequest().UpgradeResponse(101, body: "x"));
        Assert.Throws<InvalidOperationException>(() => new WsConversationBuilder(Client, Server).UpgradeResponse());
    }

    // ---- messages, read back by System.Net.WebSockets ----

    [Fact]
    public async Task Plain_session_reads_back_message_for_message()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .Upgrade()
            .Login(section: 2, userKey: "secret", connId: 77)
            .Request(GetGlobalStateCmd, 3, new GetGlobalState.Request { C2S = new() { UserID = 0 } })
            .Reply(QotGetBasicQotCmd, 4, null, error: -1, errmsg: "not subscribed")
            .Push(QotUpdateBasicQotCmd, NoisyPush(40))
            .OpenDDisconnected()
            .Close(Direction.ClientToServer, 1000, "bye")
            .Close(Direction.ServerToClient, 1000)
            .Build();

        var sdk = conversation.Messages.Where(m => m.ProtoId is not null).ToArray();
        Assert.Equal([1u, 1u, GetGlobalStateCmd, QotGetBasicQotCmd, QotUpdateBasicQotCmd, 2u], sdk.Select(m => m.ProtoId!.Value));
        Assert.Equal([2u, 2u, 3u, 4u, 0u, 0u], sdk.Select(m => m.SerialNo!.Value));

        var login = InitWebSocket.Request.Parser.ParseFrom(sdk[0].Plaintext);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData("secret"u8)), login.C2S.WebsocketKey);
        Assert.Equal("JavaScript", login.C2S.ProgrammingLanguage);
        var welcome = InitWebSocket.Response.Parser.ParseFrom(sdk[1].Plaintext);
        Assert.Equal(0, welcome.RetType);
        Assert.Equal(77ul, welcome.S2C.ConnID);
        Assert.Equal(sdk[1].TimestampMicros / 1_000_000, welcome.S2C.ServerTime);
        Assert.Empty(sdk[3].Plaintext!);

        var fromClient = await ReadWithDotNet(conversation, Direction.ClientToServer);
        Assert.Equal(
            [WsFrames.ClientMessage(1, 2, sdk[0].Plaintext), WsFrames.ClientMessage(GetGlobalStateCmd, 3, sdk[2].Plaintext)],
            fromClient.Messages);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, fromClient.CloseStatus);
        Assert.Equal("bye", fromClient.CloseDescription);

        var fromServer = await ReadWithDotNet(conversation, Direction.ServerToClient);
        Assert.Equal(
            [
                WsFrames.ServerMessage(1, 2, 0, "", sdk[1].Plaintext),
                WsFrames.ServerMessage(QotGetBasicQotCmd, 4, -1, "not subscribed", []),
                WsFrames.ServerMessage(QotUpdateBasicQotCmd, 0, 0, "", sdk[4].Plaintext),
                WsFrames.ServerMessage(2, 0, 0, "", []),
            ],
            fromServer.Messages);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, fromServer.CloseStatus);

        // One write per call: every client write is one masked frame, every server write one unmasked frame.
        foreach (var message in conversation.Messages.Skip(2))
        {
            var frame = Assert.Single(FramesOf(message.Bytes));
            Assert.Equal(message.Dir == Direction.ClientToServer, frame.Masked);
        }
    }

    [Fact]
    public async Task A_wrong_key_is_refused_in_the_header_and_in_the_body()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .Upgrade()
            .Login(section: 2, userKey: "", succeed: false)
            .Close(Direction.ServerToClient, 1008, "login failed")
            .Build();

        var request = InitWebSocket.Request.Parser.ParseFrom(conversation.Messages[2].Plaintext);
        Assert.Equal("", request.C2S.WebsocketKey);

        var reply = (await ReadWithDotNet(conversation, Direction.ServerToClient)).Messages.Single();
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(reply.AsSpan(20)));
        Assert.Equal("websocket key error", Encoding.UTF8.GetString(reply, 24, 20).TrimEnd('\0'));
        var body = InitWebSocket.Response.Parser.ParseFrom(reply.AsSpan(WsFrames.ServerHeaderLength));
        Assert.Equal(-1, body.RetType);
        Assert.Equal("websocket key error", body.RetMsg);
        Assert.Null(body.S2C);
    }

    [Fact]
    public async Task Fragments_carry_an_interleaved_ping_and_reassemble()
    {
        var request = Quote("00700");
        var push = NoisyPush(300);
        var conversation = new WsConversationBuilder(Client, Server)
            .Upgrade()
            .Request(QotGetBasicQotCmd, 9, request, new WsSend { Fragments = 3, PingBetweenFragments = true })
            .Pong(Direction.ServerToClient)
            .Push(QotUpdateBasicQotCmd, push, send: new WsSend { Fragments = 4, PingBetweenFragments = true })
            .Build();

        var clientFrames = FramesOf(conversation.Messages[2].Bytes);
        Assert.Equal(
            [(false, WsFrames.OpBinary), (true, WsFrames.OpPing), (false, WsFrames.OpContinuation), (true, WsFrames.OpContinuation)],
            clientFrames.Select(f => (f.Fin, f.Opcode)));
        Assert.All(clientFrames, f => Assert.True(f.Masked));
        Assert.Equal(WsFrames.ClientHeaderLength + request.CalculateSize(), clientFrames.Where(f => f.Opcode != WsFrames.OpPing).Sum(f => f.Payload.Length));
        // Each frame draws its own mask key.
        Assert.Equal(4, clientFrames.Select(f => Convert.ToHexString(f.MaskKey!)).Distinct().Count());

        var serverFrames = FramesOf(conversation.Messages[4].Bytes);
        Assert.Equal([WsFrames.OpBinary, WsFrames.OpPing, WsFrames.OpContinuation, WsFrames.OpContinuation, WsFrames.OpContinuation],
            serverFrames.Select(f => f.Opcode));
        Assert.All(serverFrames, f => Assert.False(f.Masked));

        Assert.Equal([WsFrames.ClientMessage(QotGetBasicQotCmd, 9, request.ToByteArray())],
            (await ReadWithDotNet(conversation, Direction.ClientToServer)).Messages);
        Assert.Equal([WsFrames.ServerMessage(QotUpdateBasicQotCmd, 0, 0, "", push.ToByteArray())],
            (await ReadWithDotNet(conversation, Direction.ServerToClient)).Messages);
    }

    [Fact]
    public async Task Long_messages_take_sixteen_and_sixty_four_bit_lengths()
    {
        var medium = NoisyPush(1_000);
        var large = NoisyPush(70_000);
        var conversation = new WsConversationBuilder(Client, Server)
            .Upgrade()
            .Request(QotSubCmd, 2, BulkySub())
            .Push(QotUpdateBasicQotCmd, medium)
            .Push(QotUpdateBasicQotCmd, large)
            .Push(QotUpdateBasicQotCmd, NoisyPush(10), send: new WsSend { Length = WsLengthForm.Force64 })
            .Request(GetGlobalStateCmd, 3, new GetGlobalState.Request { C2S = new() { UserID = 1 } }, new WsSend { Length = WsLengthForm.Force16 })
            .Build();

        Assert.Equal(126 | 0x80, conversation.Messages[2].Bytes[1]);
        Assert.Equal(126, conversation.Messages[3].Bytes[1]);
        Assert.Equal(127, conversation.Messages[4].Bytes[1]);
        Assert.Equal((ulong)(WsFrames.ServerHeaderLength + large.CalculateSize()),
            BinaryPrimitives.ReadUInt64BigEndian(conversation.Messages[4].Bytes.AsSpan(2)));
        Assert.True(large.CalculateSize() > ushort.MaxValue);
        Assert.Equal(127, conversation.Messages[5].Bytes[1]);
        Assert.Equal(126 | 0x80, conversation.Messages[6].Bytes[1]);

        var fromServer = await ReadWithDotNet(conversation, Direction.ServerToClient);
        Assert.Equal(3, fromServer.Messages.Count);
        Assert.Equal(large.ToByteArray(), fromServer.Messages[1][WsFrames.ServerHeaderLength..]);
        Assert.Equal(NoisyPush(10).ToByteArray(), fromServer.Messages[2][WsFrames.ServerHeaderLength..]);
        Assert.Equal(2, (await ReadWithDotNet(conversation, Direction.ClientToServer)).Messages.Count);
    }

    [Theory]
    [InlineData("permessage-deflate", true, true)]
    [InlineData("permessage-deflate; client_no_context_takeover", false, true)]
    [InlineData("permessage-deflate; server_no_context_takeover", true, false)]
    [InlineData("permessage-deflate; client_no_context_takeover; server_no_context_takeover; client_max_window_bits=15", false, false)]
    public async Task Deflate_follows_the_negotiated_context_takeover(string accepted, bool clientTakeover, bool serverTakeover)
    {
        var request = BulkySub();
        var push = NoisyPush(3_000);
        var conversation = new WsConversationBuilder(Client, Server)
            .Upgrade(acceptedExtensions: accepted)
            .Request(QotSubCmd, 2, request)
            .Request(QotSubCmd, 2, request)
            .Push(QotUpdateBasicQotCmd, push)
            .Push(QotUpdateBasicQotCmd, push)
            .Request(QotSubCmd, 3, request, new WsSend { Fragments = 3 })
            .Push(QotUpdateBasicQotCmd, push, send: new WsSend { Fragments = 2 })
            .Build();
        var messages = conversation.Messages;

        var clientOriginal = WsFrames.ClientHeaderLength + request.CalculateSize();
        var serverOriginal = WsFrames.ServerHeaderLength + push.CalculateSize();
        foreach (var (first, second, original, takeover) in new[] { (2, 3, clientOriginal, clientTakeover), (4, 5, serverOriginal, serverTakeover) })
        {
            Assert.True(messages[first].Bytes.Length < original * 3 / 4, $"the first copy is compressed: {messages[first].Bytes.Length} of {original}");
            if (takeover)
                Assert.True(messages[second].Bytes.Length * 20 < messages[first].Bytes.Length,
                    $"the repeat refers back into the first copy: {messages[second].Bytes.Length} vs {messages[first].Bytes.Length}");
            else
                Assert.Equal(messages[first].Bytes.Length, messages[second].Bytes.Length);
        }

        // RSV1 marks the first frame of a compressed message only, and the sync flush's tail is left off.
        foreach (var message in messages.Skip(2))
        {
            var frames = FramesOf(message.Bytes);
            Assert.True(frames[0].Rsv1);
            Assert.All(frames.Skip(1), f => Assert.False(f.Rsv1));
            Assert.False(frames.SelectMany(f => f.Payload).ToArray().AsSpan().EndsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFF, 0xFF]));
        }

        var options = new WebSocketDeflateOptions { ClientContextTakeover = clientTakeover, ServerContextTakeover = serverTakeover };
        var requestBytes = WsFrames.ClientMessage(QotSubCmd, 2, request.ToByteArray());
        var pushBytes = WsFrames.ServerMessage(QotUpdateBasicQotCmd, 0, 0, "", push.ToByteArray());
        Assert.Equal([requestBytes, requestBytes, WsFrames.ClientMessage(QotSubCmd, 3, request.ToByteArray())],
            (await ReadWithDotNet(conversation, Direction.ClientToServer, options)).Messages);
        Assert.Equal([pushBytes, pushBytes, pushBytes],
            (await ReadWithDotNet(conversation, Direction.ServerToClient, options)).Messages);
    }

    [Fact]
    public async Task Compress_overrides_the_negotiation_per_message()
    {
        var push = NoisyPush(500);
        var negotiated = new WsConversationBuilder(Client, Server)
            .Upgrade(acceptedExtensions: "permessage-deflate")
            .Push(QotUpdateBasicQotCmd, push, send: new WsSend { Compress = false })
            .Push(QotUpdateBasicQotCmd, push)
            .ServerMessage([])
            .Push(QotUpdateBasicQotCmd, push)
            .Build();
        Assert.False(FramesOf(negotiated.Messages[2].Bytes)[0].Rsv1);
        Assert.True(FramesOf(negotiated.Messages[3].Bytes)[0].Rsv1);
        // RFC 7692 §7.2.3.6: an empty message compresses to a single zero byte.
        Assert.Equal([0x00], Assert.Single(FramesOf(negotiated.Messages[4].Bytes)).Payload);
        var pushBytes = WsFrames.ServerMessage(QotUpdateBasicQotCmd, 0, 0, "", push.ToByteArray());
        Assert.Equal([pushBytes, pushBytes, [], pushBytes],
            (await ReadWithDotNet(negotiated, Direction.ServerToClient, new WebSocketDeflateOptions())).Messages);

        var unasked = new WsConversationBuilder(Client, Server)
            .Upgrade()
            .Push(QotUpdateBasicQotCmd, push, send: new WsSend { Compress = true })
            .Build();
        Assert.True(FramesOf(unasked.Messages[2].Bytes)[0].Rsv1);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ReadWithDotNet(unasked, Direction.ServerToClient));
        Assert.Single((await ReadWithDotNet(unasked, Direction.ServerToClient, new WebSocketDeflateOptions())).Messages);
    }

    [Fact]
    public async Task A_capture_begun_after_the_upgrade_still_compresses()
    {
        var request = Quote("09988");
        var conversation = new WsConversationBuilder(Client, Server)
            .AssumeUpgraded("permessage-deflate; server_no_context_takeover")
            .Request(QotGetBasicQotCmd, 12, request)
            .Build();

        Assert.True(FramesOf(conversation.Messages[0].Bytes)[0].Rsv1);
        var read = await ReadWithDotNet(conversation, Direction.ClientToServer, new WebSocketDeflateOptions { ServerContextTakeover = false });
        Assert.Equal([WsFrames.ClientMessage(QotGetBasicQotCmd, 12, request.ToByteArray())], read.Messages);
    }

    [Fact]
    public async Task Invalid_masking_is_written_as_asked_and_dotnet_rejects_it()
    {
        var unmasked = new WsConversationBuilder(Client, Server)
            .Upgrade()
            .Request(GetGlobalStateCmd, 2, new GetGlobalState.Request { C2S = new() { UserID = 0 } }, new WsSend { Unmasked = true })
            .Build();
        Assert.False(FramesOf(unmasked.Messages[2].Bytes)[0].Masked);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ReadWithDotNet(unmasked, Direction.ClientToServer));

        byte[] key = [1, 2, 3, 4];
        var masked = new WsConversationBuilder(Client, Server)
            .Upgrade()
            .Push(QotUpdateBasicQotCmd, NoisyPush(8), send: new WsSend { MaskKey = key })
            .Build();
        Assert.Equal(key, FramesOf(masked.Messages[2].Bytes)[0].MaskKey);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ReadWithDotNet(masked, Direction.ServerToClient));

        Assert.Throws<ArgumentException>(() => new WsConversationBuilder(Client, Server)
            .Push(QotUpdateBasicQotCmd, NoisyPush(8), send: new WsSend { Unmasked = true }));
        Assert.Throws<ArgumentException>(() => new WsConversationBuilder(Client, Server)
            .Request(1, 2, Quote("1"), new WsSend { PingBetweenFragments = true }));
    }

    [Fact]
    public async Task Raw_messages_and_control_frames_carry_what_they_are_given()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .Upgrade()
            .ClientMessage([0x66, 0x74, 0x2d])
            .ServerMessage(new byte[WsFrames.ServerHeaderLength - 1])
            .Ping(Direction.ServerToClient, [9, 8, 7])
            .Pong(Direction.ClientToServer, [9, 8, 7])
            .Close(Direction.ClientToServer, code: null)
            .Build();

        Assert.All(conversation.Messages, m => Assert.Null(m.ProtoId));
        Assert.All(conversation.Messages, m => Assert.Null(m.Plaintext));
        var ping = Assert.Single(FramesOf(conversation.Messages[4].Bytes));
        Assert.Equal((WsFrames.OpPing, false), (ping.Opcode, ping.Masked));
        Assert.Equal([9, 8, 7], ping.Payload);
        var pong = Assert.Single(FramesOf(conversation.Messages[5].Bytes));
        Assert.Equal((WsFrames.OpPong, true), (pong.Opcode, pong.Masked));
        Assert.Equal([9, 8, 7], pong.Payload);

        var close = Assert.Single(FramesOf(conversation.Messages[6].Bytes));
        Assert.Equal(WsFrames.OpClose, close.Opcode);
        Assert.Empty(close.Payload);

        var fromClient = await ReadWithDotNet(conversation, Direction.ClientToServer);
        Assert.Equal([new byte[] { 0x66, 0x74, 0x2d }], fromClient.Messages);
        // .NET reports a close without a body as a normal one rather than 1005.
        Assert.Equal(WebSocketCloseStatus.NormalClosure, fromClient.CloseStatus);
        Assert.Equal([new byte[WsFrames.ServerHeaderLength - 1]], (await ReadWithDotNet(conversation, Direction.ServerToClient)).Messages);
    }

    [Fact]
    public void Same_seed_same_bytes_and_times_move_forward()
    {
        static Conversation Session(long seed) => new WsConversationBuilder(Client, Server, startMicros: 1_000_000, seed: seed)
            .Upgrade(afterMicros: 100, replyAfterMicros: 200)
            .Login(section: 2, afterMicros: 300, replyAfterMicros: 400)
            .Idle(5_000)
            .Ping(Direction.ClientToServer, afterMicros: 10)
            .Build();

        var first = Session(1);
        Assert.Equal([1_000_100L, 1_000_300, 1_000_600, 1_001_000, 1_006_010], first.Messages.Select(m => m.TimestampMicros));
        Assert.Equal(first.Messages.SelectMany(m => m.Bytes), Session(1).Messages.SelectMany(m => m.Bytes));
        Assert.NotEqual(first.Messages[2].Bytes, Session(2).Messages[2].Bytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WsConversationBuilder(Client, Server).Ping(Direction.ClientToServer, afterMicros: -1));
    }

    [Fact]
    public void A_conversation_flows_through_the_segmenter_into_a_pcap()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .Upgrade(acceptedExtensions: "permessage-deflate")
            .Login(section: 2)
            .Push(QotUpdateBasicQotCmd, NoisyPush(5_000))
            .Close(Direction.ClientToServer)
            .Build();

        var segments = conversation.Segment(SegmenterOptions.Splits(3));
        foreach (var dir in new[] { Direction.ClientToServer, Direction.ServerToClient })
        {
            var source = conversation.SourceOf(dir);
            Assert.Equal(conversation.StreamOf(dir), segments.Where(s => s.Source == source).SelectMany(s => s.Payload));
        }
        Assert.Contains(segments, s => s.Destination.Port == WsFrames.DefaultPort);

        var pcap = conversation.ToPcap();
        Assert.Equal(0xA1B2C3D4u, BinaryPrimitives.ReadUInt32LittleEndian(pcap));
        var path = conversation.WriteTemp();
        try
        {
            Assert.Equal(pcap, File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ---- TLS records for wss:// ----

    [Theory]
    [InlineData(TlsVersion.Tls13)]
    [InlineData(TlsVersion.Tls12)]
    public void ClientHello_is_a_well_formed_record_with_sni(TlsVersion version)
    {
        var record = TlsRecords.ClientHello("opend.example", version);

        Assert.Equal(TlsRecords.ContentHandshake, record[0]);
        Assert.Equal(0x0301, BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(1)));
        Assert.Equal(record.Length - 5, BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(3)));
        Assert.Equal(TlsRecords.HandshakeClientHello, record[5]);
        Assert.Equal(record.Length - 9, ReadU24(record, 6));
        Assert.Equal(0x0303, BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(9)));

        var extensions = ClientHelloExtensions(record);
        var sni = extensions[TlsRecords.ExtensionServerName];
        // server_name_list length, host_name type 0, name length, name
        Assert.Equal(sni.Length - 2, BinaryPrimitives.ReadUInt16BigEndian(sni));
        Assert.Equal(0, sni[2]);
        Assert.Equal("opend.example", Encoding.ASCII.GetString(sni, 5, BinaryPrimitives.ReadUInt16BigEndian(sni.AsSpan(3))));
        Assert.Equal(version == TlsVersion.Tls13, extensions.ContainsKey(0x002B));

        Assert.Equal(record, TlsRecords.ClientHello("opend.example", version));
        Assert.NotEqual(record, TlsRecords.ClientHello("opend.example", version, seed: 2));
        Assert.DoesNotContain(TlsRecords.ExtensionServerName, ClientHelloExtensions(TlsRecords.ClientHello(null, version)).Keys);
    }

    [Fact]
    public void ServerHello_and_application_data_have_their_record_shapes()
    {
        var hello = TlsRecords.ServerHello(TlsVersion.Tls13);
        Assert.Equal([TlsRecords.ContentHandshake, 0x03, 0x03], hello[..3]);
        Assert.Equal(hello.Length - 5, BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(3)));
        Assert.Equal(TlsRecords.HandshakeServerHello, hello[5]);
        Assert.Equal(hello.Length - 9, ReadU24(hello, 6));
        // supported_versions carrying 1.3 is what makes a ServerHello with legacy version 1.2 a 1.3 one.
        Assert.Contains("002b00020304", Convert.ToHexStringLower(hello));
        Assert.DoesNotContain("002b00020304", Convert.ToHexStringLower(TlsRecords.ServerHello(TlsVersion.Tls12)));

        var data = TlsRecords.ApplicationData(300, seed: 9);
        Assert.Equal("1703030" + "12c", Convert.ToHexStringLower(data[..5]));
        Assert.Equal(305, data.Length);
        Assert.Equal(data, TlsRecords.ApplicationData(300, seed: 9));
        Assert.NotEqual(data, TlsRecords.ApplicationData(300, seed: 10));
        Assert.Equal("140303000101", Convert.ToHexStringLower(TlsRecords.ChangeCipherSpec()));
        Assert.Throws<ArgumentOutOfRangeException>(() => TlsRecords.ApplicationData(TlsRecords.MaxCiphertextLength + 1));
    }

    [Fact]
    public void A_wss_session_is_records_on_the_websocket_port()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .ClientBytes(TlsRecords.ClientHello("localhost"))
            .ServerBytes([.. TlsRecords.ServerHello(), .. TlsRecords.ChangeCipherSpec(), .. TlsRecords.ApplicationData(2_000, seed: 4)])
            .ClientBytes([.. TlsRecords.ChangeCipherSpec(), .. TlsRecords.ApplicationData(53, seed: 5)])
            .ClientBytes(TlsRecords.ApplicationData(240, seed: 6))
            .ServerBytes(TlsRecords.ApplicationData(180, seed: 7))
            .Build();

        var segments = conversation.Segment();
        Assert.Equal(conversation.StreamOf(Direction.ServerToClient),
            segments.Where(s => s.Source == Server).SelectMany(s => s.Payload));
        Assert.NotEmpty(conversation.ToPcap());
    }

    // ---- helpers ----

    private static string Ascii(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    private static string Header(string head, string name)
    {
        var line = head.Split("\r\n").Single(l => l.StartsWith(name + ": ", StringComparison.Ordinal));
        return line[(name.Length + 2)..];
    }

    private static int ReadU24(byte[] bytes, int offset) => bytes[offset] << 16 | bytes[offset + 1] << 8 | bytes[offset + 2];

    private static Dictionary<ushort, byte[]> ClientHelloExtensions(byte[] record)
    {
        var at = 5 + 4 + 2 + 32;
        at += 1 + record[at];                                               // session id
        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(at)); // cipher suites
        at += 1 + record[at];                                               // compression methods
        var end = at + 2 + BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(at));
        Assert.Equal(record.Length, end);
        var extensions = new Dictionary<ushort, byte[]>();
        for (at += 2; at < end;)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(at));
            var length = BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(at + 2));
            extensions.Add(type, record[(at + 4)..(at + 4 + length)]);
            at += 4 + length;
        }
        Assert.Equal(end, at);
        return extensions;
    }

    private sealed record RawFrame(bool Fin, bool Rsv1, byte Opcode, bool Masked, byte[]? MaskKey, byte[] Payload);

    /// <summary>Just enough of RFC 6455 §5.2 to look at the header bits .NET's WebSocket does not report.</summary>
    private static List<RawFrame> FramesOf(byte[] bytes)
    {
        var frames = new List<RawFrame>();
        for (var at = 0; at < bytes.Length;)
        {
            var masked = (bytes[at + 1] & 0x80) != 0;
            var length = (long)(bytes[at + 1] & 0x7F);
            var headerLength = 2;
            if (length == 126) { length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 2)); headerLength = 4; }
            else if (length == 127) { length = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(at + 2)); headerLength = 10; }
            var key = masked ? bytes[(at + headerLength)..(at + headerLength + 4)] : null;
            if (masked) headerLength += 4;
            var payload = bytes[(at + headerLength)..(at + headerLength + (int)length)];
            if (key is not null)
                for (var i = 0; i < payload.Length; i++) payload[i] ^= key[i & 3];
            frames.Add(new RawFrame((bytes[at] & 0x80) != 0, (bytes[at] & 0x40) != 0, (byte)(bytes[at] & 0x0F), masked, key, payload));
            at += headerLength + (int)length;
        }
        return frames;
    }

    private sealed record DotNetRead(List<byte[]> Messages, WebSocketCloseStatus? CloseStatus, string? CloseDescription);

    /// <summary>
    /// Feeds one direction, minus any HTTP head, to .NET's WebSocket as the receiving side would see it,
    /// and collects binary messages until a close frame or the end of the bytes between two messages.
    /// </summary>
    private static async Task<DotNetRead> ReadWithDotNet(Conversation conversation, Direction dir, WebSocketDeflateOptions? deflate = null)
    {
        var stream = conversation.StreamOf(dir);
        var upgraded = stream.AsSpan().StartsWith("GET "u8) || stream.AsSpan().StartsWith("HTTP/"u8);
        var frames = upgraded ? stream[(stream.AsSpan().IndexOf("\r\n\r\n"u8) + 4)..] : stream;

        using var socket = DotNetWebSocket.CreateFromStream(new ReadOnlyStream(frames), new WebSocketCreationOptions
        {
            IsServer = dir == Direction.ClientToServer,
            DangerousDeflateOptions = deflate,
            KeepAliveInterval = TimeSpan.Zero,
        });
        var messages = new List<byte[]>();
        var buffer = new byte[4096];
        while (true)
        {
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            var started = false;
            do
            {
                try
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                }
                catch (WebSocketException e) when (!started && e.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
                {
                    return new DotNetRead(messages, null, null);
                }
                started = true;
                if (result.MessageType == WebSocketMessageType.Close)
                    return new DotNetRead(messages, socket.CloseStatus, socket.CloseStatusDescription);
                Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
                message.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            messages.Add(message.ToArray());
        }
    }

    /// <summary>
    /// The captured bytes as a socket: .NET's WebSocket answers pings and closes by writing, and those
    /// answers belong to the other direction, which the conversation already holds.
    /// </summary>
    private sealed class ReadOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _input = new(bytes, writable: false);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _input.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) { }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
