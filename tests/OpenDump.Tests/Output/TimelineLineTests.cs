using System.Globalization;
using System.Net;
using System.Text;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;
using Xunit;

namespace OpenDump.Tests.Timeline;

/// <summary>
/// A frame's timeline line is rendered as UTF-8 bytes, on a worker or on the writing thread, and as text for a writer that
/// takes characters. All three must give the line as padded columns of characters, cut after its last character that is not
/// white space (<see cref="char.IsWhiteSpace(char)"/>), would: the oracle here builds it that way, from strings.
/// </summary>
public sealed class TimelineLineTests
{
    public static TheoryData<string> Texts => new()
    {
        "",
        "plain",
        "ends with spaces   ",
        "ends with an ideographic space\u3000",
        "ends with nbsp\u00a0 and a line separator\u2028",
        "市场未开盘，请稍后再试 — 快手-W",
        "emoji 📈 and a CJK extension 𠀀",
        "   ",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_line_is_its_columns_cut_after_the_last_character_that_is_not_white_space(string text)
    {
        var frames = Frames(text).ToList();
        foreach (var colour in new[] { false, true })
        {
            var palette = colour ? Palette.Ansi : Palette.None;
            var expected = string.Concat(frames.Select(f => Oracle(f, palette) + "\n"));
            var (asText, asBytes, prepared) = Rendered(frames, palette);
            Assert.Equal(expected, asText);
            Assert.Equal(expected, asBytes);
            Assert.Equal(expected, prepared);
        }
    }

    [Fact]
    public void The_oracle_sees_what_the_cut_and_the_columns_do()
    {
        // Guards the comparison above: the lines it compares do end in padding and in white space to cut.
        var frames = Frames("code\u3000").ToList();
        var lines = frames.Select(f => Oracle(f, Palette.None)).ToList();
        Assert.Contains(lines, l => l.EndsWith("HK.code", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("sha1 ?", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" ⇐  3005 Qot_UpdateBasicQot", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("1234567.891ms", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("3 frames", StringComparison.Ordinal));
    }

    private static IEnumerable<OpenDFrame> Frames(string text)
    {
        var tcp = new TcpConnection(7, new Endpoint(IPAddress.Parse("10.0.0.2"), 51000), new Endpoint(IPAddress.Parse("10.0.0.1"), 11111), 0, true);
        var ws = tcp with { Number = 12345, Transport = Transport.WebSocket };
        var basic = ProtoRegistry.Default.Find(3005);
        OpenDFrame Frame(TcpConnection c, FrameKind kind, FlowDirection direction, ProtoInfo? proto) => new()
        {
            Number = 1, TimestampMicros = 1_000_000, PacketNumber = 1, Connection = c, Direction = direction, Transport = c.Transport,
            ProtoId = proto?.Id ?? 64_999, SerialNo = 42, BodyLen = 321, ProtoFmt = 0, Proto = proto, Kind = kind,
            Encryption = EncryptionKind.FtAesEcb, Decrypted = true, Sha1Ok = true,
        };

        // A push naming a security whose code is the text: the summary ends with it.
        var push = Frame(tcp, FrameKind.Push, FlowDirection.ServerToClient, basic);
        var quote = new QotUpdateBasicQot.Response { RetType = 0, S2C = new QotUpdateBasicQot.S2C() };
        quote.S2C.BasicQotList.Add(new QotCommon.BasicQot { Security = new QotCommon.Security { Market = 1, Code = text } });
        push.Message = quote;
        yield return push;

        // Nothing to summarise: the line ends in the padding of its last columns.
        yield return Frame(tcp, FrameKind.Request, FlowDirection.ClientToServer, basic) with { Sha1Ok = null, SerialNo = ulong.MaxValue };
        yield return Frame(tcp, FrameKind.Response, FlowDirection.ServerToClient, null);
        yield return Frame(tcp, FrameKind.Response, FlowDirection.ServerToClient, basic) with { LatencyMicros = 1_234_567_891, ProtoFmt = 1, Sha1Ok = false };

        // A failed call, with the text as its retMsg, and problems after it.
        var failed = Frame(tcp, FrameKind.Response, FlowDirection.ServerToClient, basic) with { LatencyMicros = 250 };
        failed.RetType = -1;
        failed.ErrCode = 7;
        failed.RetMsg = text;
        failed.Diagnostics = [Diagnostic.Error("decode.failed", text), Diagnostic.Warning("sha1.mismatch", "second")];
        yield return failed;

        // WebSocket: its own columns, and its error as the summary.
        yield return Frame(ws, FrameKind.Push, FlowDirection.ServerToClient, basic) with { WebSocket = new WsMessageInfo(0, null, 1, false, 1) };
        yield return Frame(ws, FrameKind.Response, FlowDirection.ServerToClient, basic) with { WebSocket = new WsMessageInfo(1, text, 3, true, 9) };
    }

    /// <summary>Through a writer of characters, through a UTF-8 stream (the writing thread renders), and prepared first (a worker renders).</summary>
    private static (string Text, string Bytes, string Prepared) Rendered(List<OpenDFrame> frames, Palette palette)
    {
        var text = new StringWriter { NewLine = "\n" };
        var asText = new TimelineWriter(text, palette: palette);
        foreach (var f in frames) asText.OnFrame(f);
        asText.OnComplete([]);

        string ThroughBytes(bool prepare)
        {
            var stream = new MemoryStream();
            var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
            var timeline = new TimelineWriter(writer, palette: palette);
            foreach (var f in frames)
            {
                var frame = f with { };
                if (prepare) timeline.PrepareFrame(frame);
                timeline.OnFrame(frame);
            }
            // Lines written as bytes wait in the timeline's buffer until text or the end follows them.
            timeline.OnComplete([]);
            return Encoding.UTF8.GetString(stream.ToArray());
        }

        return (WithoutAnnouncements(text.ToString()), WithoutAnnouncements(ThroughBytes(false)), WithoutAnnouncements(ThroughBytes(true)));
    }

    // Each line after its 12-character time; the connection headings a first frame brings are not what is compared.
    private static string WithoutAnnouncements(string output) =>
        string.Concat(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains(" sn=", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("  #", StringComparison.Ordinal))..] + "\n")
            .Select(l => l.Replace(Palette.Ansi.End, "", StringComparison.Ordinal).Replace("\u001b[36m", "", StringComparison.Ordinal)));

    /// <summary>The line from strings: each column padded with <see cref="string.PadRight(int)"/>, then <see cref="string.TrimEnd()"/>.</summary>
    private static string Oracle(OpenDFrame f, Palette p)
    {
        static string N<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
        var summary = FrameSummary.Describe(f);
        var failed = summary.StartsWith("FAILED", StringComparison.Ordinal) || summary.StartsWith("LOGIN FAILED", StringComparison.Ordinal) || summary.StartsWith("OPEND", StringComparison.Ordinal);
        var line = new StringBuilder();
        line.Append("  #").Append(N(f.Connection.Number).PadRight(3));
        line.Append(f.Direction == FlowDirection.ClientToServer ? " → " : f.Kind == FrameKind.Push ? " ⇐ " : " ← ");
        line.Append(N(f.ProtoId).PadLeft(5)).Append(' ').Append((f.ProtoName ?? "?").PadRight(28));
        line.Append(" sn=").Append(N(f.SerialNo).PadRight(10)).Append(N(f.BodyLen).PadLeft(8)).Append("B ");
        line.Append(f.ProtoFmt == 1 ? "json " : "     ");
        if (f.WebSocket is { } ws)
            line.Append((ws.Compressed ? "ws+defl" : "ws").PadRight(9)).Append(' ').Append((ws.Frames == 1 ? "" : $"{ws.Frames} frames").PadRight(8));
        else
            line.Append(f.Encryption.Name().PadRight(9)).Append(' ').Append(f.Sha1Ok switch { true => "sha1 ok ", false => "SHA1 BAD", null => "sha1 ?  " });
        line.Append(' ');
        line.Append(f.Kind switch
        {
            FrameKind.Push => "push".PadRight(11),
            FrameKind.Response when f.LatencyMicros is { } lat => (FrameJson.FormatMillis(lat) + "ms").PadLeft(11),
            FrameKind.Response => "reply".PadRight(11),
            _ => new string(' ', 11),
        });
        if (summary.Length > 0) line.Append("  ").Append(failed ? p.Failure(summary) : summary);
        foreach (var d in f.Diagnostics) line.Append("  ").Append(p.Problem($"[{d.Code}]"));
        return line.ToString().TrimEnd().Replace(Palette.Ansi.End, "", StringComparison.Ordinal).Replace("\u001b[36m", "", StringComparison.Ordinal);
    }
}
