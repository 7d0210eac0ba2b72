using System.Text;
using OpenDump.Link;
using OpenDump.Reassembly;
using Xunit;

namespace OpenDump.Tests.Reassembly;

public sealed class TcpReassemblerTests
{
    private static readonly Endpoint Client = Endpoint.Parse("10.0.0.2:50000");
    private static readonly Endpoint Server = Endpoint.Parse("10.0.0.1:11111");

    private sealed class Recorder : IStreamHandler
    {
        public List<TcpConnection> Opened { get; } = [];
        public Dictionary<(int, FlowDirection), MemoryStream> Data { get; } = [];
        public List<(int Conn, FlowDirection Dir, long Missing)> Gaps { get; } = [];
        public List<GapReason> GapReasons { get; } = [];
        public List<(int Conn, FlowDirection Dir, string Reason)> Closed { get; } = [];
        public List<long> DeliveryPackets { get; } = [];

        public void OnConnectionOpened(TcpConnection connection) => Opened.Add(connection);
        public List<string> Limits { get; } = [];
        public void OnLimitReached(string message) => Limits.Add(message);
        public void OnData(TcpConnection c, FlowDirection d, ReadOnlySpan<byte> data, long ts, long packet)
        {
            if (!Data.TryGetValue((c.Number, d), out var ms)) Data[(c.Number, d)] = ms = new MemoryStream();
            ms.Write(data);
            DeliveryPackets.Add(packet);
        }
        public void OnGap(TcpConnection c, FlowDirection d, long missing, GapReason reason, long ts, long packet)
        {
            Gaps.Add((c.Number, d, missing));
            GapReasons.Add(reason);
        }
        public void OnDirectionClosed(TcpConnection c, FlowDirection d, string reason, long ts, long packet) => Closed.Add((c.Number, d, reason));

        public string Text(int conn, FlowDirection d) => Data.TryGetValue((conn, d), out var ms) ? Encoding.ASCII.GetString(ms.ToArray()) : "";
    }

    private static long _packet;
    private static TcpSegment Seg(Endpoint from, Endpoint to, uint seq, string payload, TcpFlags flags = TcpFlags.Ack | TcpFlags.Psh) =>
        new(++_packet, _packet * 10, from, to, seq, 0, flags, Encoding.ASCII.GetBytes(payload));

    private static (TcpReassembler, Recorder) New(ReassemblyOptions? options = null)
    {
        var rec = new Recorder();
        return (new TcpReassembler(rec, options), rec);
    }

    private static void Handshake(TcpReassembler r, uint clientIsn, uint serverIsn)
    {
        r.Process(Seg(Client, Server, clientIsn, "", TcpFlags.Syn));
        r.Process(Seg(Server, Client, serverIsn, "", TcpFlags.Syn | TcpFlags.Ack));
        r.Process(Seg(Client, Server, clientIsn + 1, "", TcpFlags.Ack));
    }

    [Fact]
    public void Out_of_order_segments_are_held_and_released_in_order()
    {
        var (r, rec) = New();
        Handshake(r, 1000, 5000);
        r.Process(Seg(Client, Server, 1001 + 6, "world!"));
        r.Process(Seg(Client, Server, 1001 + 12, "!!"));
        Assert.Equal("", rec.Text(1, FlowDirection.ClientToServer));
        var completing = Seg(Client, Server, 1001, "hello ");
        r.Process(completing);
        Assert.Equal("hello world!!!", rec.Text(1, FlowDirection.ClientToServer));
        // Everything released by the completing segment carries that segment's packet number.
        Assert.All(rec.DeliveryPackets, p => Assert.Equal(completing.PacketNumber, p));
        Assert.Empty(rec.Gaps);
    }

    [Fact]
    public void Retransmissions_and_overlaps_are_delivered_once()
    {
        var (r, rec) = New();
        Handshake(r, 1000, 5000);
        r.Process(Seg(Client, Server, 1001, "abcdef"));
        r.Process(Seg(Client, Server, 1001, "abcdef"));      // exact retransmission
        r.Process(Seg(Client, Server, 1004, "defghi"));      // overlaps three old bytes
        r.Process(Seg(Client, Server, 1012, "lmn"));         // ahead
        r.Process(Seg(Client, Server, 1012, "lmnop"));       // longer copy of the held one
        r.Process(Seg(Client, Server, 1010, "jk"));
        Assert.Equal("abcdefghijklmnop", rec.Text(1, FlowDirection.ClientToServer));
    }

    [Fact]
    public void Sequence_numbers_wrap_around_2_to_the_32()
    {
        var (r, rec) = New();
        const uint isn = uint.MaxValue - 3;
        Handshake(r, isn, 7);
        r.Process(Seg(Client, Server, unchecked(isn + 1 + 5), "56789"));  // wrapped past zero
        r.Process(Seg(Client, Server, unchecked(isn + 1), "01234"));
        Assert.Equal("0123456789", rec.Text(1, FlowDirection.ClientToServer));
    }

    [Fact]
    public void Both_directions_are_separate_streams_and_fin_closes_each()
    {
        var (r, rec) = New();
        Handshake(r, 100, 900);
        r.Process(Seg(Client, Server, 101, "req"));
        r.Process(Seg(Server, Client, 901, "reply"));
        r.Process(Seg(Client, Server, 104, "", TcpFlags.Fin | TcpFlags.Ack));
        r.Process(Seg(Server, Client, 906, "", TcpFlags.Fin | TcpFlags.Ack));
        Assert.Equal("req", rec.Text(1, FlowDirection.ClientToServer));
        Assert.Equal("reply", rec.Text(1, FlowDirection.ServerToClient));
        Assert.Equal([(1, FlowDirection.ClientToServer, "FIN"), (1, FlowDirection.ServerToClient, "FIN")], rec.Closed);
    }

    [Fact]
    public void A_hole_never_filled_becomes_a_gap_at_the_end_and_the_rest_is_still_delivered()
    {
        var (r, rec) = New();
        Handshake(r, 100, 900);
        r.Process(Seg(Client, Server, 101, "aaaa"));
        r.Process(Seg(Client, Server, 111, "bbbb"));  // 6 bytes at 105..110 never arrive
        r.Finish();
        Assert.Equal([(1, FlowDirection.ClientToServer, 6L)], rec.Gaps);
        Assert.Equal([GapReason.NotCaptured], rec.GapReasons);
        Assert.Equal("aaaabbbb", rec.Text(1, FlowDirection.ClientToServer));
        Assert.Contains((1, FlowDirection.ClientToServer, "end of capture"), rec.Closed);
    }

    [Fact]
    public void A_new_syn_after_fin_on_the_same_addresses_is_a_new_connection()
    {
        var (r, rec) = New();
        Handshake(r, 100, 900);
        r.Process(Seg(Client, Server, 101, "one"));
        r.Process(Seg(Client, Server, 104, "", TcpFlags.Fin | TcpFlags.Ack));
        r.Process(Seg(Server, Client, 901, "", TcpFlags.Fin | TcpFlags.Ack));
        Handshake(r, 77_000, 88_000);
        r.Process(Seg(Client, Server, 77_001, "two"));
        Assert.Equal([1, 2], rec.Opened.Select(c => c.Number));
        Assert.Equal("one", rec.Text(1, FlowDirection.ClientToServer));
        Assert.Equal("two", rec.Text(2, FlowDirection.ClientToServer));
    }

    [Fact]
    public void Roles_come_from_the_syn_even_when_the_server_speaks_first_in_the_capture()
    {
        var (r, rec) = New();
        r.Process(Seg(Server, Client, 900, "", TcpFlags.Syn | TcpFlags.Ack));
        var c = Assert.Single(rec.Opened);
        Assert.Equal((Client, Server), (c.Client, c.Server));
    }

    [Fact]
    public void Without_a_handshake_the_watched_port_decides_the_server()
    {
        var (r, rec) = New();
        r.Process(Seg(Server, Client, 5000, "FT push first"));
        var c = Assert.Single(rec.Opened);
        Assert.Equal(Server, c.Server);
        Assert.False(c.HandshakeSeen);
        Assert.Equal("FT push first", rec.Text(1, FlowDirection.ServerToClient));
    }

    [Fact]
    public void Other_ports_are_followed_only_when_they_start_with_an_opend_header_or_a_websocket_upgrade()
    {
        var (r, rec) = New();
        var client = Endpoint.Parse("10.0.0.2:40000");
        var opend = Endpoint.Parse("10.0.0.1:22222");
        var http = Endpoint.Parse("10.0.0.1:80");
        var wsOther = Endpoint.Parse("10.0.0.1:8080");
        r.Process(Seg(client, http, 1, "GET / HTTP/1.1\r\n"));
        r.Process(Seg(Endpoint.Parse("10.0.0.2:40001"), http, 1, "GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n\r\n"));
        var header = new byte[44];
        new OpenDump.Framing.FrameHeader(1001, 0, 0, 1, 0, new byte[20]).WriteTo(header);
        r.Process(new TcpSegment(++_packet, 0, client, opend, 1, 0, TcpFlags.Ack, header));
        r.Process(Seg(Endpoint.Parse("10.0.0.2:40002"), wsOther, 1, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n"));
        Assert.Equal([(opend, Transport.Tcp), (wsOther, Transport.WebSocket)], rec.Opened.Select(c => (c.Server, c.Transport)));
    }

    [Fact]
    public void The_websocket_port_is_read_as_websocket_whatever_it_carries()
    {
        var (r, rec) = New();
        r.Process(Seg(Endpoint.Parse("10.0.0.2:40000"), Endpoint.Parse("10.0.0.1:33333"), 1, "\x16\x03\x01"));
        Assert.Equal(Transport.WebSocket, Assert.Single(rec.Opened).Transport);
    }

    [Fact]
    public void Content_detection_can_be_turned_off()
    {
        var (r, rec) = New(new ReassemblyOptions { DetectByContent = false });
        var header = new byte[44];
        new OpenDump.Framing.FrameHeader(1001, 0, 0, 1, 0, new byte[20]).WriteTo(header);
        r.Process(new TcpSegment(++_packet, 0, Endpoint.Parse("10.0.0.2:40000"), Endpoint.Parse("10.0.0.1:22222"), 1, 0, TcpFlags.Ack, header));
        Assert.Empty(rec.Opened);
    }

    [Fact]
    public void Out_of_order_bytes_beyond_the_bound_are_given_up_as_a_gap()
    {
        var (r, rec) = New(new ReassemblyOptions { MaxOutOfOrderBytesPerConnection = 10 });
        Handshake(r, 100, 900);
        r.Process(Seg(Client, Server, 101, "a"));
        r.Process(Seg(Client, Server, 110, "0123456789XY"));  // 12 held bytes > 10: the hole is abandoned
        Assert.Equal([(1, FlowDirection.ClientToServer, 8L)], rec.Gaps);
        Assert.Equal([GapReason.BufferLimit], rec.GapReasons);
        Assert.Equal("a0123456789XY", rec.Text(1, FlowDirection.ClientToServer));
    }

    [Fact]
    public void A_retransmitted_syn_is_not_a_new_connection()
    {
        var (r, rec) = New();
        Handshake(r, 100, 900);
        r.Process(Seg(Client, Server, 100, "", TcpFlags.Syn));
        r.Process(Seg(Client, Server, 101, "data"));
        Assert.Single(rec.Opened);
        Assert.Equal("data", rec.Text(1, FlowDirection.ClientToServer));
    }

    [Fact]
    public void A_syn_on_a_connection_whose_start_was_not_captured_begins_a_new_one()
    {
        var (r, rec) = New();
        r.Process(Seg(Client, Server, 5000, "FTold"));
        Handshake(r, 100, 900);
        r.Process(Seg(Client, Server, 101, "FTnew"));
        Assert.Equal([1, 2], rec.Opened.Select(c => c.Number));
        Assert.Equal("FTnew", rec.Text(2, FlowDirection.ClientToServer));
    }

    [Fact]
    public void Rst_closes_both_directions_and_later_segments_are_ignored()
    {
        var (r, rec) = New();
        Handshake(r, 100, 900);
        r.Process(Seg(Client, Server, 101, "abc"));
        r.Process(Seg(Server, Client, 901, "", TcpFlags.Rst));
        r.Process(Seg(Client, Server, 104, "late"));
        Assert.Equal("abc", rec.Text(1, FlowDirection.ClientToServer));
        Assert.Equal(2, rec.Closed.Count(c => c.Reason == "RST"));
    }

    [Fact]
    public void The_total_out_of_order_bound_makes_the_biggest_holder_give_up_its_hole()
    {
        var (r, rec) = New(new ReassemblyOptions { MaxOutOfOrderBytesPerConnection = 1000, MaxOutOfOrderBytesTotal = 30 });
        var otherClient = Endpoint.Parse("10.0.0.3:50001");
        Handshake(r, 100, 900);
        r.Process(Seg(otherClient, Server, 1, "", TcpFlags.Syn));
        r.Process(Seg(Client, Server, 111, new string('a', 20)));      // conn 1 holds 20 after a 10-byte hole
        r.Process(Seg(otherClient, Server, 7, new string('b', 12)));   // conn 2 holds 12 after a 5-byte hole: 32 > 30
        Assert.Single(rec.Limits);
        Assert.Equal([(1, FlowDirection.ClientToServer, 10L)], rec.Gaps);
        Assert.Equal(new string('a', 20), rec.Text(1, FlowDirection.ClientToServer));
        Assert.Equal("", rec.Text(2, FlowDirection.ClientToServer));
    }

    [Fact]
    public void Past_the_connection_bound_the_least_recently_active_are_closed_and_forgotten()
    {
        var (r, rec) = New(new ReassemblyOptions { MaxConnections = 4 });
        for (var i = 0; i < 6; i++)
        {
            var client = Endpoint.Parse($"10.0.0.{i + 10}:40000");
            r.Process(Seg(client, Server, 1, "", TcpFlags.Syn));
            r.Process(Seg(client, Server, 2, $"FT{i}"));
        }
        Assert.Equal(6, rec.Opened.Count);
        Assert.Single(rec.Limits);
        Assert.Contains((1, FlowDirection.ClientToServer, "connection limit reached"), rec.Closed);
        Assert.Contains((2, FlowDirection.ClientToServer, "connection limit reached"), rec.Closed);
        Assert.DoesNotContain(rec.Closed, c => c.Conn == 6);
    }
}
