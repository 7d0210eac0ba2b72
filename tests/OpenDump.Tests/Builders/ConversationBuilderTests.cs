using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using OpenDump.Link;
using OpenDump.Testing;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Xunit;

namespace OpenDump.Tests.Builders;

public sealed class ConversationBuilderTests
{
    private static readonly Endpoint Client = Endpoint.Parse("127.0.0.1:50001");
    private static readonly Endpoint Server = Endpoint.Parse("127.0.0.1:11111");
    private static readonly AsymmetricCipherKeyPair Rsa = TestCrypto.GenerateRsaKeyPair(seed: 11);
    private const string AesKey = "0123456789abcdef";
    private const string AesIv = "fedcba9876543210";

    private static QotGetBasicQot.Request Quote(string code) =>
        new() { C2S = new() { SecurityList = { new QotCommon.Security { Market = 1, Code = code } } } };

    private static QotGetBasicQot.Response Failed() =>
        new() { RetType = -1, RetMsg = "security not subscribed", ErrCode = 10005 };

    /// <summary>Undoes whatever the connection did to a body, using only the keys the transcript chose.</summary>
    private static byte[] Open(Conversation conversation, WireMessage message)
    {
        var body = message.Bytes[OpenDFrames.HeaderLength..];
        if (message.ProtoId == ConversationBuilder.InitConnectProtoId)
            return TestCrypto.RsaChunkDecrypt((RsaKeyParameters)Rsa.Private, body);
        var keys = conversation.Keys!;
        var key = Encoding.ASCII.GetBytes(keys.AesKey);
        return keys.Encryption switch
        {
            BodyEncryption.None => body,
            BodyEncryption.FtAesEcb => TestCrypto.FtAesEcbDecrypt(key, body),
            BodyEncryption.AesEcb => TestCrypto.AesEcbDecrypt(key, body),
            BodyEncryption.AesCbc => TestCrypto.AesCbcDecrypt(key, Encoding.ASCII.GetBytes(keys.AesCbcIv!), body),
            _ => throw new InvalidOperationException(),
        };
    }

    [Fact]
    public void Without_a_key_every_frame_is_plaintext()
    {
        var conversation = new ConversationBuilder(Client, Server)
            .InitConnect(serialNo: 1, packetEncAlgo: 2, aesKey: AesKey, aesCbcIv: AesIv, connId: 42)
            .Request(3004, serialNo: 2, Quote("00700"))
            .Reply(3004, serialNo: 2, Failed())
            .Build();

        Assert.Equal(BodyEncryption.None, conversation.Keys!.Encryption);
        Assert.Equal(42ul, conversation.Keys.ConnId);
        foreach (var message in conversation.Messages)
            Assert.Equal(message.Plaintext, message.Bytes[OpenDFrames.HeaderLength..]);

        var reply = InitConnect.Response.Parser.ParseFrom(conversation.Messages[1].Plaintext);
        Assert.Equal(AesKey, reply.S2C.ConnAESKey);
        Assert.Equal(AesIv, reply.S2C.AesCBCiv);
    }

    [Theory]
    [InlineData(2, AesIv, BodyEncryption.AesCbc)]
    [InlineData(2, null, BodyEncryption.FtAesEcb)]
    [InlineData(0, AesIv, BodyEncryption.FtAesEcb)]
    [InlineData(1, null, BodyEncryption.AesEcb)]
    [InlineData(-1, AesIv, BodyEncryption.None)]
    [InlineData(null, null, BodyEncryption.FtAesEcb)]
    public void InitConnect_settles_the_cipher_of_every_later_frame(int? packetEncAlgo, string? iv, BodyEncryption expected)
    {
        var conversation = new ConversationBuilder(Client, Server)
            .WithRsaKey(Rsa)
            .InitConnect(serialNo: 1, packetEncAlgo: packetEncAlgo, aesKey: AesKey, aesCbcIv: iv)
            .Request(3004, serialNo: 2, Quote("00700"))
            .Reply(3004, serialNo: 2, Failed())
            .Push(3005, serialNo: 77, new QotUpdateBasicQot.Response { RetType = 0 })
            .Build();

        Assert.Equal(expected, conversation.Keys!.Encryption);
        foreach (var message in conversation.Messages)
        {
            var plain = Open(conversation, message);
            Assert.Equal(message.Plaintext, plain);
            Assert.Equal(SHA1.HashData(plain), message.Bytes[16..36]);
        }
        // InitConnect itself is RSA in both directions: whole 128-byte blocks.
        Assert.All(conversation.Messages.Take(2), m => Assert.Equal(0, (m.Bytes.Length - OpenDFrames.HeaderLength) % 128));
        if (expected != BodyEncryption.None)
            Assert.NotEqual(conversation.Messages[2].Plaintext, conversation.Messages[2].Bytes[OpenDFrames.HeaderLength..]);
    }

    [Fact]
    public void A_failed_InitConnect_leaves_the_connection_unencrypted()
    {
        var conversation = new ConversationBuilder(Client, Server)
            .WithRsaKey(Rsa)
            .InitConnectRequest(1, new InitConnect.C2S { ClientVer = 101, ClientID = "x", PacketEncAlgo = 2 })
            .InitConnectReply(1, new InitConnect.Response { RetType = -1, RetMsg = "bad rsa key", ErrCode = 1 })
            .Request(1004, 2, new KeepAlive.Request { C2S = new() { Time = 1 } })
            .Build();

        Assert.Null(conversation.Keys);
        var keepAlive = conversation.Messages[2];
        Assert.Equal(keepAlive.Plaintext, keepAlive.Bytes[OpenDFrames.HeaderLength..]);
    }

    [Fact]
    public void A_transcript_can_start_after_InitConnect_with_keys_from_elsewhere()
    {
        var conversation = new ConversationBuilder(Client, Server)
            .AssumeSession(BodyEncryption.AesCbc, AesKey, AesIv, connId: 9)
            .Request(3004, 5, Quote("00700"))
            .Build();

        var request = conversation.Messages.Single();
        Assert.Equal(request.Plaintext, TestCrypto.AesCbcDecrypt(Encoding.ASCII.GetBytes(AesKey), Encoding.ASCII.GetBytes(AesIv), request.Bytes[44..]));
    }

    [Fact]
    public void Json_frames_carry_the_protobuf_json_text_and_format_1()
    {
        var conversation = new ConversationBuilder(Client, Server)
            .WithRsaKey(Rsa)
            .InitConnect(serialNo: 1, packetEncAlgo: 0, pushProtoFmt: 1)
            .RequestJson(3004, 2, Quote("00700"))
            .ReplyJson(3004, 2, Failed())
            .Push(3005, 3, new QotUpdateBasicQot.Response { RetType = 0 })
            .Build();

        foreach (var message in conversation.Messages.Skip(2))
        {
            Assert.Equal(OpenDFrames.FormatJson, message.Bytes[6]);
            Assert.StartsWith("{", Encoding.UTF8.GetString(message.Plaintext!));
        }
        var reply = JsonParser.Default.Parse<QotGetBasicQot.Response>(Encoding.UTF8.GetString(conversation.Messages[3].Plaintext!));
        Assert.Equal(10005, reply.ErrCode);
    }

    [Fact]
    public void Times_add_up_and_raw_bytes_are_taken_as_given()
    {
        var garbage = new byte[] { 0xDE, 0xAD, 0xBE, 0xEF };
        var conversation = new ConversationBuilder(Client, Server, startMicros: 1_000_000)
            .Request(3004, serialNo: 2, Quote("00700"), afterMicros: 500)
            .Reply(3004, serialNo: 2, Failed(), afterMicros: 1_200)
            .Idle(10_000)
            .ClientBytes(garbage, afterMicros: 1)
            .Build();

        Assert.Equal(new[] { 1_000_500L, 1_001_700L, 1_011_701L }, conversation.Messages.Select(m => m.TimestampMicros));
        var raw = conversation.Messages[^1];
        Assert.Equal(garbage, raw.Bytes);
        Assert.Null(raw.ProtoId);
        Assert.Null(raw.Plaintext);
        Assert.Equal(Direction.ClientToServer, raw.Dir);
    }

    [Fact]
    public void The_same_transcript_gives_the_same_bytes()
    {
        static Conversation Make() => new ConversationBuilder(Client, Server)
            .WithRsaKey(Rsa, paddingSeed: 3)
            .InitConnect(serialNo: 1, packetEncAlgo: 2, aesKey: AesKey, aesCbcIv: AesIv)
            .Request(3004, 2, Quote("00700"))
            .Build();

        Assert.Equal(Make().StreamOf(Direction.ClientToServer), Make().StreamOf(Direction.ClientToServer));
        Assert.Equal(Make().StreamOf(Direction.ServerToClient), Make().StreamOf(Direction.ServerToClient));
    }
}
