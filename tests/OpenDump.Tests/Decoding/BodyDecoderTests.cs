using Google.Protobuf;
using OpenDump.Decoding;
using Xunit;

namespace OpenDump.Tests.Decoding;

public sealed class BodyDecoderTests
{
    private static readonly ProtoInfo BasicQot = ProtoRegistry.Default.Find(3004)!;

    [Fact]
    public void Protobuf_bodies_decode_into_the_generated_type()
    {
        var request = new QotGetBasicQot.Request { C2S = new QotGetBasicQot.C2S { SecurityList = { new QotCommon.Security { Market = 1, Code = "00700" } } } };
        var decoded = BodyDecoder.Decode(BasicQot.Request!, 0, request.ToByteArray());
        Assert.Null(decoded.Error);
        Assert.Empty(decoded.MissingRequired);
        Assert.Equal(request, decoded.Message);
    }

    [Fact]
    public void Json_bodies_decode_into_the_same_type_with_64_bit_strings()
    {
        var json = """{"c2s":{"clientVer":101,"clientID":"x","packetEncAlgo":-1}}""";
        var decoded = BodyDecoder.Decode(ProtoRegistry.Default.Find(1001)!.Request!, 1, System.Text.Encoding.UTF8.GetBytes(json));
        var message = Assert.IsType<InitConnect.Request>(decoded.Message);
        Assert.Equal((101, "x", -1), (message.C2S.ClientVer, message.C2S.ClientID, message.C2S.PacketEncAlgo));

        var reply = """{"retType":0,"s2c":{"serverVer":1,"loginUserID":"10208824","connID":"3721516426404277791","connAESKey":"k","keepAliveInterval":10}}""";
        var r = Assert.IsType<InitConnect.Response>(BodyDecoder.Decode(ProtoRegistry.Default.Find(1001)!.Response!, 1, System.Text.Encoding.UTF8.GetBytes(reply)).Message);
        Assert.Equal(3721516426404277791UL, r.S2C.ConnID);
    }

    [Fact]
    public void Missing_required_fields_are_named_and_the_message_is_still_shown()
    {
        // InitConnect.C2S requires clientVer and clientID; only clientID is set.
        var partial = new InitConnect.Request { C2S = new InitConnect.C2S { ClientID = "only-id" } };
        var decoded = BodyDecoder.Decode(ProtoRegistry.Default.Find(1001)!.Request!, 0, partial.ToByteArray());
        Assert.Equal(["c2s.clientVer"], decoded.MissingRequired);
        Assert.Equal("only-id", ((InitConnect.Request)decoded.Message!).C2S.ClientID);
    }

    [Fact]
    public void A_body_that_is_not_protobuf_gives_the_reason()
    {
        var decoded = BodyDecoder.Decode(BasicQot.Response!, 0, [0x0a, 0xff, 0xff, 0xff]);
        Assert.Null(decoded.Message);
        Assert.Contains("Qot_GetBasicQot.Response", decoded.Error);
    }

    [Fact]
    public void Bad_json_gives_the_reason()
    {
        var decoded = BodyDecoder.Decode(BasicQot.Response!, 1, "{not json"u8.ToArray());
        Assert.Null(decoded.Message);
        Assert.Contains("JSON", decoded.Error);
    }

    [Fact]
    public void The_schema_less_view_shows_numbers_wire_types_nested_messages_and_text()
    {
        var request = new QotGetBasicQot.Request { C2S = new QotGetBasicQot.C2S { SecurityList = { new QotCommon.Security { Market = 11, Code = "AAPL" } } } };
        Assert.True(RawProtobuf.TryParse(request.ToByteArray(), out var fields));
        var c2s = Assert.Single(fields);
        Assert.Equal((1, WireFormat.WireType.LengthDelimited), (c2s.Number, c2s.WireType));
        var security = Assert.Single(c2s.Children!);
        Assert.Equal(["1:varint:11", "2:text:AAPL"], security.Children!.Select(f => $"{f.Number}:{(f.WireType == WireFormat.WireType.Varint ? "varint" : "text")}:{f.Value}"));
    }

    [Fact]
    public void The_schema_less_view_refuses_what_is_not_protobuf()
    {
        Assert.False(RawProtobuf.TryParse([0x0a, 0x10, 0x01], out _));   // length past the end
        Assert.False(RawProtobuf.TryParse([0x07], out _));               // wire type 7
    }

    [Fact]
    public void Missing_required_fields_in_json_bodies_are_named_too()
    {
        var decoded = BodyDecoder.Decode(ProtoRegistry.Default.Find(1001)!.Request!, 1, """{"c2s":{"clientID":"only-id"}}"""u8.ToArray());
        Assert.Null(decoded.Error);
        Assert.Equal(["c2s.clientVer"], decoded.MissingRequired);
    }
}
