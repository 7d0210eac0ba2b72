using OpenDump.Capture;
using OpenDump.Reassembly;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Fuzz;

/// <summary>
/// Seeded mutations of WebSocket traffic (the JavaScript SDK capture and a compressed, fragmented
/// session from the builders): flipped bytes, cut and dropped packets. The analyzer must not throw,
/// must account for every byte, and must decode everything completed before the first damage
/// exactly as in the clean run.
/// </summary>
public sealed class WebSocketFuzzTests
{
    private const int Cases = 150;

    public static TheoryData<string> Sources => new() { "ws_basic", "deflate" };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Mutated_websocket_traffic_never_crashes_and_keeps_what_came_before_the_damage(string name)
    {
        var packets = Packets(name);
        var clean = Run(packets);
        Assert.NotEmpty(clean.Frames);
        var random = new Random(name.Length * 7919);
        // Only packets that carry TCP payload are worth damaging: the last 54+ bytes of an Ethernet/IPv4/TCP frame.
        var withPayload = packets.Select((p, i) => (p, i)).Where(x => x.p.Data.Length > 70).Select(x => x.i).ToArray();
        for (var c = 0; c < Cases; c++)
        {
            var mutated = packets.Select(p => p with { Data = p.Data.ToArray() }).ToList();
            var first = int.MaxValue;
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var index = withPayload[random.Next(withPayload.Length)];
                first = Math.Min(first, index);
                var data = mutated[index].Data.ToArray();
                if (data.Length <= 55) continue; // already cut by an earlier edit of this case
                switch (random.Next(3))
                {
                    case 0: // flip bytes of the TCP payload
                        for (var k = 0; k < random.Next(1, 6); k++) data[random.Next(54, data.Length)] ^= (byte)random.Next(1, 256);
                        mutated[index] = mutated[index] with { Data = data };
                        break;
                    case 1: // cut the payload short (as a snaplen would; the IP length still claims it all)
                        mutated[index] = mutated[index] with { Data = data[..random.Next(54, data.Length)] };
                        break;
                    default: // lose the packet
                        mutated[index] = mutated[index] with { Data = data[..14] };
                        break;
                }
            }

            var sink = Run(mutated);
            var where = $"{name} case {c}";
            foreach (var conn in sink.Connections)
            foreach (var a in new[] { conn.ClientToServer, conn.ServerToClient })
                Assert.True(a.AddsUp, $"{where}: accounting {a}");
            var before = clean.Frames.Where(f => f.PacketNumber < mutated[first].Number).ToList();
            Assert.True(sink.Frames.Count >= before.Count, $"{where}: {sink.Frames.Count} frames, {before.Count} before the damage");
            for (var i = 0; i < before.Count; i++)
            {
                Assert.Equal((before[i].ProtoId, before[i].SerialNo, before[i].Direction), (sink.Frames[i].ProtoId, sink.Frames[i].SerialNo, sink.Frames[i].Direction));
                Assert.Equal(before[i].Message, sink.Frames[i].Message);
            }
        }
    }

    private static List<CapturedPacket> Packets(string name)
    {
        var path = name == "ws_basic" ? Fixtures.SdkWs("ws_basic.pcap") : WriteDeflateSession();
        var list = new List<CapturedPacket>();
        using var source = new PcapFileSource(path);
        while (source.TryReadNext(out var p)) list.Add(p with { Data = p.Data.ToArray() });
        if (name != "ws_basic") File.Delete(path);
        return list;
    }

    private static string WriteDeflateSession()
    {
        var b = new WsConversationBuilder(OpenDump.Link.Endpoint.Parse("127.0.0.1:52000"), OpenDump.Link.Endpoint.Parse("127.0.0.1:33333"))
            .Upgrade(acceptedExtensions: "permessage-deflate; client_no_context_takeover")
            .Login(section: 2);
        for (var i = 0; i < 20; i++)
        {
            var request = new QotGetBasicQot.Request { C2S = new QotGetBasicQot.C2S { SecurityList = { new QotCommon.Security { Market = 1, Code = $"{i:D5}" } } } };
            b.Request(3004, 3 + (ulong)i, request, i % 4 == 0 ? new WsSend { Fragments = 2, PingBetweenFragments = true } : null);
            b.Push(3005, new QotUpdateBasicQot.Response { RetType = 0, S2C = new QotUpdateBasicQot.S2C() });
            b.Reply(3004, 3 + (ulong)i, new QotGetBasicQot.Response { RetType = i % 5 == 0 ? -1 : 0, RetMsg = "x" }, send: i % 3 == 0 ? new WsSend { Fragments = 3 } : null);
        }
        return b.Build().WriteTemp();
    }

    private static CollectingSink Run(IEnumerable<CapturedPacket> packets)
    {
        var sink = new CollectingSink();
        using var analyzer = new CaptureAnalyzer(new AnalyzerOptions(), sink);
        foreach (var p in packets) analyzer.ProcessPacket(p);
        analyzer.Finish();
        return sink;
    }
}
