using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
using Xunit;

namespace OpenDump.Tests.Summaries;

/// <summary>
/// The timeline's summary of a body kept as plaintext is found on the wire; it must be the summary of the message,
/// for every schema, with the fields in any order and singular ones given twice (which the message merges).
/// </summary>
public sealed class FrameSummaryTests
{
    [Fact]
    public void A_summary_from_the_wire_is_the_summary_of_the_message_for_every_schema()
    {
        var generator = new RandomMessages(seed: 4242);
        int compared = 0, named = 0, singularsOnce = 0;
        foreach (var proto in ProtoRegistry.Default.All)
        {
            foreach (var toServer in new[] { true, false })
            {
                if (proto.For(toServer) is not { } type) continue;
                for (var i = 0; i < 12; i++)
                {
                    var bytes = generator.Create(type, depth: 0).ToByteArray();
                    // Twice over: repeated fields doubled, singular ones merged by the parser.
                    if (i % 4 == 3) bytes = [.. bytes, .. generator.Create(type, depth: 0).ToByteArray()];
                    var expected = FrameSummary.Describe(Frame(proto, toServer) with { Message = type.Parser.ParseFrom(bytes) });
                    var actual = FrameSummary.Describe(Frame(proto, toServer) with { Plaintext = bytes });
                    Assert.True(expected == actual, $"{type.FullName} #{i}: message says \"{expected}\", wire says \"{actual}\" ({Convert.ToHexString(bytes)})");
                    // As the analysis hands it over: the wire check says whether the walk may stop at its last lead.
                    var once = Frame(proto, toServer) with { Plaintext = bytes };
                    once.PlaintextSingularsOnce = !WireCheck.Check(type, bytes).MayMerge;
                    var early = FrameSummary.Describe(once);
                    Assert.True(expected == early, $"{type.FullName} #{i}: message says \"{expected}\", wire with the check's verdict says \"{early}\" ({Convert.ToHexString(bytes)})");
                    if (once.PlaintextSingularsOnce) singularsOnce++;
                    compared++;
                    if (expected.Length > 0) named++;
                }
            }
        }
        Assert.True(compared > 2000, $"{compared} bodies");
        Assert.True(named > 300, $"only {named} bodies named a security or an account");
        Assert.True(singularsOnce > compared / 2 && singularsOnce < compared, $"{singularsOnce} of {compared} bodies with each singular field once");
    }

    [Fact]
    public void Securities_and_accounts_read_from_the_wire_look_as_from_the_message()
    {
        var book = new QotUpdateOrderBook.Response
        {
            RetType = 0,
            S2C = new QotUpdateOrderBook.S2C { Security = new QotCommon.Security { Market = 11, Code = "AAPL" } },
        };
        var frame = Frame(ProtoRegistry.Default.Find(3013)!, toServer: false) with { Plaintext = book.ToByteArray() };
        Assert.Equal("US.AAPL", FrameSummary.Describe(frame));

        var order = new TrdPlaceOrder.Request
        {
            C2S = new TrdPlaceOrder.C2S
            {
                PacketID = new Common.PacketID { ConnID = 1, SerialNo = 2 },
                Header = new TrdCommon.TrdHeader { TrdEnv = 1, AccID = 281756478305412104, TrdMarket = 1 },
                TrdSide = 1, OrderType = 1, Code = "00700", Qty = 100,
            },
        };
        var request = Frame(ProtoRegistry.Default.Find(2202)!, toServer: true) with { Plaintext = order.ToByteArray() };
        Assert.Equal("acc=281756478305412104 env=REAL", FrameSummary.Describe(request));
    }

    [Fact]
    public void A_summary_names_the_first_four_distinct_securities_and_counts_the_rest()
    {
        QotCommon.Security S(int market, string code) => new() { Market = market, Code = code };
        var request = new QotGetBasicQot.Request
        {
            C2S = new QotGetBasicQot.C2S { SecurityList = { S(1, "00700"), S(11, "AAPL"), S(1, "00700"), S(21, "600519"), S(22, "000001"), S(11, "NVDA"), S(11, "AAPL"), S(99, "X") } },
        };
        var proto = ProtoRegistry.Default.Find(3004)!;
        var fromWire = FrameSummary.Describe(Frame(proto, toServer: true) with { Plaintext = request.ToByteArray() });
        var fromMessage = FrameSummary.Describe(Frame(proto, toServer: true) with { Message = request });
        Assert.Equal("HK.00700 US.AAPL SH.600519 SZ.000001 +2", fromWire);
        Assert.Equal(fromWire, fromMessage);
        Assert.Equal("", FrameSummary.Describe(Frame(proto, toServer: true) with { Plaintext = new QotGetBasicQot.Request { C2S = new() }.ToByteArray() }));
    }

    /// <summary>
    /// Long codes outgrow the thread's scratch (256 characters at first) wherever it happens: while the securities are
    /// collected, or while the summary after them is written. Written where growing the array had already moved it, a
    /// separator threw "Destination is too short" in the timeline.
    /// </summary>
    [Fact]
    public void A_summary_longer_than_the_scratch_is_whole_wherever_the_scratch_grows()
    {
        var proto = ProtoRegistry.Default.Find(3004)!;
        for (var length = 1; length <= 120; length++)
        {
            var codes = Enumerable.Range(0, 6).Select(i => new string((char)('A' + i), length)).ToArray();
            var request = new QotGetBasicQot.Request { C2S = new QotGetBasicQot.C2S() };
            request.C2S.SecurityList.AddRange(codes.Select(c => new QotCommon.Security { Market = 11, Code = c }));
            var expected = string.Join(" ", codes.Take(4).Select(c => "US." + c)) + " +2";
            Assert.Equal(expected, FrameSummary.Describe(Frame(proto, toServer: true) with { Plaintext = request.ToByteArray() }));
            Assert.Equal(expected, FrameSummary.Describe(Frame(proto, toServer: true) with { Message = request }));
        }
    }

    [Fact]
    public void Securities_of_two_fields_come_in_declaration_order_whatever_their_order_on_the_wire()
    {
        // CodeChangeInfo: security = 2, relatedSecurity = 3; here relatedSecurity comes first on the wire.
        QotCommon.Security S(string code) => new() { Market = 1, Code = code };
        byte[] info = [.. new QotGetCodeChange.CodeChangeInfo { RelatedSecurity = S("00002") }.ToByteArray(), .. new QotGetCodeChange.CodeChangeInfo { Security = S("00001") }.ToByteArray()];
        var s2c = LengthDelimited(QotGetCodeChange.S2C.Descriptor.FindFieldByName("codeChangeList").FieldNumber, info);
        byte[] body = [.. new QotGetCodeChange.Response { RetType = 0 }.ToByteArray(), .. LengthDelimited(QotGetCodeChange.Response.Descriptor.FindFieldByName("s2c").FieldNumber, s2c)];

        var proto = ProtoRegistry.Default.Find(3216)!;
        Assert.Equal("Qot_GetCodeChange", proto.Name);
        var message = QotGetCodeChange.Response.Parser.ParseFrom(body);
        Assert.Equal("HK.00001 HK.00002", FrameSummary.Describe(Frame(proto, toServer: false) with { Message = message }));
        Assert.Equal("HK.00001 HK.00002", FrameSummary.Describe(Frame(proto, toServer: false) with { Plaintext = body }));
    }

    private static byte[] LengthDelimited(int fieldNumber, byte[] value)
    {
        var output = new MemoryStream();
        var writer = new CodedOutputStream(output);
        writer.WriteTag(fieldNumber, WireFormat.WireType.LengthDelimited);
        writer.WriteBytes(ByteString.CopyFrom(value));
        writer.Flush();
        return output.ToArray();
    }

    private static OpenDFrame Frame(ProtoInfo proto, bool toServer) => new()
    {
        Number = 1, TimestampMicros = 0, PacketNumber = 1, Connection = null!,
        Direction = toServer ? FlowDirection.ClientToServer : FlowDirection.ServerToClient, Transport = Transport.Tcp,
        ProtoId = proto.Id, SerialNo = 1, BodyLen = 0, ProtoFmt = 0, Proto = proto,
        Kind = toServer ? FrameKind.Request : FrameKind.Push, Encryption = EncryptionKind.None, Decrypted = false, Sha1Ok = true,
    };
}
