using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Decoding;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// The short "what is this about" of a frame: the failure of a failed call, else the securities or
/// the trading account the message names, found by their schema types wherever they sit.
/// </summary>
public static class FrameSummary
{
    private const int MaxSecurities = 4;

    public static string Describe(OpenDFrame frame) => new string(DescribeInScratch(frame));

    /// <summary>
    /// <see cref="Describe"/> in this thread's scratch, valid until the thread describes the next frame. The timeline
    /// describes every frame it shows: as strings, a push's summary was 80 bytes of garbage a frame (the securities' texts
    /// and the summary made of them), 80 of the 352 bytes a frame the timeline of 1 GB allocated with two threads.
    /// </summary>
    internal static ReadOnlySpan<char> DescribeInScratch(OpenDFrame frame)
    {
        if (frame.WebSocket is { } ws && DescribeWebSocket(frame, ws) is { } special) return special;
        if (frame.RetType is { } rt and not 0)
        {
            var err = frame.ErrCode is { } ec and not 0 ? $" errCode={ec}" : "";
            return $"FAILED retType={rt}{err} retMsg=\"{frame.RetMsg}\"";
        }
        // Per-thread scratch: a summary is made for every line of the timeline, on the decoding threads.
        var securities = t_securities ??= new Securities();
        securities.Clear();
        string? account = null;
        if (frame.Message is { } message) Walk(message, securities, ref account, 0);
        else if (frame.Plaintext is { } plain && frame.BodyDescriptor is { } type)
        {
            // A body kept as plaintext is walked on the wire; where that cannot give the message's answer, it is parsed.
            if (!WireWalk(WalkPlan.Of(type), plain, securities, ref account, 0, stopEarly: frame.PlaintextSingularsOnce))
            {
                securities.Clear();
                account = null;
                Walk(type.Parser.ParseFrom(plain), securities, ref account, 0);
            }
        }
        else return "";
        if (account is null && securities.Count == 0) return "";
        return securities.Summary(account);
    }

    [ThreadStatic] private static Securities? t_securities;

    /// <summary>
    /// The securities a message names, in order of mention, as "HK.00700" texts side by side in one array of characters,
    /// and the summary made of them after those: a thread reuses its arrays for every frame it describes.
    /// </summary>
    private sealed class Securities
    {
        private char[] _chars = new char[256];
        private int _used;
        private (int Start, int Length)[] _items = new (int, int)[8];

        public int Count { get; private set; }

        public void Clear() => _used = Count = 0;

        public void Add(ReadOnlySpan<char> text)
        {
            var at = _used;
            Append(text);
            Added(at, text.Length);
        }

        /// <summary>Adds "HK.00700" from the market's prefix and the code's UTF-8.</summary>
        public void Add(string marketPrefix, ReadOnlySpan<byte> codeUtf8)
        {
            var length = marketPrefix.Length + 1 + System.Text.Encoding.UTF8.GetCharCount(codeUtf8);
            var at = Reserve(length);
            marketPrefix.CopyTo(_chars.AsSpan(at));
            _chars[at + marketPrefix.Length] = '.';
            System.Text.Encoding.UTF8.GetChars(codeUtf8, _chars.AsSpan(at + marketPrefix.Length + 1));
            Added(at, length);
        }

        private void Added(int start, int length)
        {
            if (Count == _items.Length) Array.Resize(ref _items, Count * 2);
            _items[Count++] = (start, length);
        }

        private ReadOnlySpan<char> Item(int index) => _chars.AsSpan(_items[index].Start, _items[index].Length);

        private int Reserve(int length)
        {
            if (_used + length > _chars.Length) Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + length));
            var at = _used;
            _used += length;
            return at;
        }

        private void Append(ReadOnlySpan<char> text)
        {
            // Reserved first: growing the array replaces _chars, which an argument list would have read before.
            var at = Reserve(text.Length);
            text.CopyTo(_chars.AsSpan(at));
        }

        /// <summary>The account, then the distinct securities in order of first mention: the first few, and how many more.</summary>
        public ReadOnlySpan<char> Summary(string? account)
        {
            var start = _used;
            Append(account);
            if (Count > 0)
            {
                if (account is not null) Append(" ");
                int distinct = 0;
                for (var i = 0; i < Count; i++)
                {
                    if (SeenBefore(i)) continue;
                    if (distinct < MaxSecurities)
                    {
                        if (distinct > 0) Append(" ");
                        // Read from the array as it was: if appending grows it, the old one still holds the item.
                        Append(Item(i));
                    }
                    distinct++;
                }
                if (distinct > MaxSecurities)
                {
                    Append(" +");
                    Span<char> digits = stackalloc char[11];
                    (distinct - MaxSecurities).TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
                    Append(digits[..written]);
                }
            }
            return _chars.AsSpan(start, _used - start);
        }

        private bool SeenBefore(int index)
        {
            var item = Item(index);
            for (var j = 0; j < index; j++)
                if (Item(j).SequenceEqual(item)) return true;
            return false;
        }
    }

    private static string? DescribeWebSocket(OpenDFrame frame, WsMessageInfo ws)
    {
        var prefix = ws.Failed ? $"FAILED wsError={ws.Error}{(ws.Error switch { 1 => " (timeout)", 2 => " (OpenD timeout)", 3 => " (disconnected)", _ => "" })} errmsg=\"{ws.Errmsg}\"" : null;
        switch (frame.ProtoId)
        {
            case 1 when frame.Message is InitWebSocket.Request { C2S: { } c2s }:
                return $"login key md5={(c2s.HasWebsocketKey ? c2s.WebsocketKey : "(none)")}{(c2s.HasProgrammingLanguage ? $" {c2s.ProgrammingLanguage}" : "")}";
            case 1 when frame.Direction == Reassembly.FlowDirection.ServerToClient:
                var ok = !ws.Failed && frame.RetType == 0;
                var conn = frame.Message is InitWebSocket.Response { S2C: { HasConnID: true } s2c } ? $" connID={s2c.ConnID}" : "";
                return ok ? $"login ok{conn}" : $"LOGIN FAILED{(prefix is null ? "" : " " + prefix[7..])}{(frame.RetType is { } rt and not 0 ? $" retType={rt} retMsg=\"{frame.RetMsg}\"" : "")}";
            case 2 when frame.Direction == Reassembly.FlowDirection.ServerToClient:
                return "OPEND DISCONNECTED: OpenD's side of this WebSocket connection closed";
        }
        if (prefix is null) return null;
        return frame.RetType is { } r and not 0 ? $"{prefix} retType={r} retMsg=\"{frame.RetMsg}\"" : prefix;
    }

    private static void Walk(IMessage message, Securities securities, ref string? account, int depth)
    {
        if (depth > 6 || securities.Count > 64) return;
        var d = message.Descriptor;
        if (d.FullName == SecurityType)
        {
            securities.Add(FormatSecurity(message));
            return;
        }
        if (d.FullName == TrdHeaderType && account is null)
        {
            account = FormatTrdHeader(message);
            return;
        }
        foreach (var field in Leads(d))
        {
            if (field.IsRepeated)
            {
                // Indexed: an enumerator per list per frame would be garbage for every line of the timeline.
                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                for (var i = 0; i < list.Count; i++)
                    if (list[i] is IMessage m) Walk(m, securities, ref account, depth + 1);
            }
            else if (field.Accessor.HasValue(message) && field.Accessor.GetValue(message) is IMessage child)
            {
                Walk(child, securities, ref account, depth + 1);
            }
        }
    }

    /// <summary>
    /// <see cref="Walk"/> over a valid body's wire bytes, in the same order and with the same limits: the lead fields
    /// in declaration order, a repeated one's elements as they come. False (the caller parses the body instead) where
    /// the message would merge what the wire holds apart: a singular message field, or a scalar of a Security or a
    /// TrdHeader, given more than once.
    /// </summary>
    /// <param name="stopEarly">
    /// The body's wire check found no singular message field given twice: a message's records need not be read past
    /// its last singular lead when it has no repeated one.
    /// </param>
    private static bool WireWalk(WalkPlan plan, ReadOnlySpan<byte> body, Securities securities, ref string? account, int depth, bool stopEarly)
    {
        if (depth > 6 || securities.Count > 64) return true;
        if (plan.IsSecurity)
        {
            // Security: market = 1, code = 2.
            if (!TryReadScalars(body, out var market, out var code, out _)) return false;
            securities.Add(MarketPrefix((int)(market ?? 0)), code);
            return true;
        }
        if (plan.IsTrdHeader && account is null)
        {
            // TrdHeader: trdEnv = 1, accID = 2.
            if (!TryReadScalars(body, out var env, out _, out var acc)) return false;
            var envName = (int?)env switch { 0 => "SIMULATE", 1 => "REAL", _ => null };
            account = acc is null ? (envName is null ? "" : $"env={envName}") : $"acc={acc}" + (envName is null ? "" : $" env={envName}");
            return true;
        }
        var leads = plan.LeadNumbers;
        if (leads.Length == 0) return true;
        // Members of a oneof replace each other in the message; the OpenD schemas have none, the parser handles any.
        if (plan.LeadInOneof) return false;

        // One pass over the records finds every lead's values; they are then walked lead by lead in declaration
        // order, each lead's values in wire order, as the message's fields would be.
        Span<Hit> stack = stackalloc Hit[32];
        var hits = stack;
        var count = 0;
        var sorted = true;
        ulong singularsSeen = 0;
        // Only this message may stop early; its leads' messages are judged by their own plans.
        var stopHere = stopEarly && plan.CanStopEarly;
        for (var pos = 0; pos < body.Length;)
        {
            if (!NextRecord(body, ref pos, out var number, out var wireType, out var value)) return false;
            if (wireType != 2) continue;
            var lead = 0;
            while (lead < leads.Length && leads[lead] != number) lead++;
            if (lead == leads.Length) continue;
            if (!plan.LeadRepeated[lead])
            {
                var bit = 1UL << Math.Min(lead, 63);
                if ((singularsSeen & bit) != 0) return false; // given twice: the message holds the merge of the two
                singularsSeen |= bit;
            }
            if (count == hits.Length)
            {
                var larger = new Hit[hits.Length * 2];
                hits.CopyTo(larger);
                hits = larger;
            }
            if (count > 0 && hits[count - 1].Lead > lead) sorted = false;
            // A length-delimited value ends where the next record starts.
            hits[count++] = new Hit(lead, pos - value.Length, value.Length);
            if (stopHere && singularsSeen == plan.SingularLeads) break;
        }
        hits = hits[..count];
        if (!sorted) SortByLead(hits);
        foreach (var hit in hits)
            if (!WireWalk(plan.Lead(hit.Lead), body.Slice(hit.Start, hit.Length), securities, ref account, depth + 1, stopEarly)) return false;
        return true;
    }

    private readonly record struct Hit(int Lead, int Start, int Length);

    /// <summary>
    /// What <see cref="WireWalk"/> needs of a message type, found once: whether it is a Security or a TrdHeader, and its
    /// leads' numbers and types (a body is walked for every line of the timeline, so no name or descriptor is looked at then).
    /// </summary>
    private sealed class WalkPlan
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<MessageDescriptor, WalkPlan> Plans = new();

        private readonly FieldDescriptor[] _leads;
        // Filled as they are first needed: a type can reach itself.
        private readonly WalkPlan?[] _leadPlans;

        private WalkPlan(MessageDescriptor d)
        {
            IsSecurity = d.FullName == SecurityType;
            IsTrdHeader = d.FullName == TrdHeaderType;
            _leads = Leads(d);
            _leadPlans = new WalkPlan?[_leads.Length];
            LeadNumbers = _leads.Select(f => f.FieldNumber).ToArray();
            LeadRepeated = _leads.Select(f => f.IsRepeated).ToArray();
            LeadInOneof = _leads.Any(f => f.RealContainingOneof is not null);
            // Stopping early relies on the wire check's duplicate test, which covers singular message fields that can
            // hold a required field: a Security or a TrdHeader has some, so every lead can.
            CanStopEarly = _leads.Length is > 0 and < 64 && !LeadRepeated.Any(r => r) && LeadsHoldRequired;
            for (var i = 0; i < _leads.Length && i < 64; i++) SingularLeads |= 1UL << i;
        }

        private static readonly bool LeadsHoldRequired =
            QotCommon.Security.Descriptor.Fields.InDeclarationOrder().Any(f => f.IsRequired)
            && TrdCommon.TrdHeader.Descriptor.Fields.InDeclarationOrder().Any(f => f.IsRequired);

        public static WalkPlan Of(MessageDescriptor d) => Plans.TryGetValue(d, out var plan) ? plan : Plans.GetOrAdd(d, static d => new WalkPlan(d));

        public bool IsSecurity { get; }
        public bool IsTrdHeader { get; }
        public int[] LeadNumbers { get; }
        public bool[] LeadRepeated { get; }
        public bool LeadInOneof { get; }
        /// <summary>Whether a walk may stop once it has seen every lead (all singular), with <see cref="SingularLeads"/> the bits of them all.</summary>
        public bool CanStopEarly { get; }
        public ulong SingularLeads { get; }

        public WalkPlan Lead(int index) => _leadPlans[index] ??= Of(_leads[index].MessageType);
    }

    /// <summary>A stable insertion sort: the values of one lead keep their wire order.</summary>
    private static void SortByLead(Span<Hit> hits)
    {
        for (var i = 1; i < hits.Length; i++)
        {
            var hit = hits[i];
            var j = i - 1;
            for (; j >= 0 && hits[j].Lead > hit.Lead; j--) hits[j + 1] = hits[j];
            hits[j + 1] = hit;
        }
    }

    /// <summary>Field 1 as a varint, field 2 as a string (its UTF-8) or as a varint; false when one of them comes twice.</summary>
    private static bool TryReadScalars(ReadOnlySpan<byte> body, out ulong? first, out ReadOnlySpan<byte> secondString, out ulong? secondVarint)
    {
        first = secondVarint = null;
        secondString = default;
        int firsts = 0, seconds = 0;
        for (var pos = 0; pos < body.Length;)
        {
            if (!NextRecord(body, ref pos, out var number, out var wireType, out var value)) return false;
            switch (number, wireType)
            {
                case (1, 0):
                    firsts++;
                    first = ReadVarint(value);
                    break;
                case (2, 2):
                    seconds++;
                    secondString = value;
                    break;
                case (2, 0):
                    seconds++;
                    secondVarint = ReadVarint(value);
                    break;
            }
        }
        return firsts <= 1 && seconds <= 1;
    }

    /// <summary>The next record of a body known to be valid: its field number, wire type and value (a length-delimited one without its length).</summary>
    private static bool NextRecord(ReadOnlySpan<byte> body, scoped ref int pos, out int number, out int wireType, out ReadOnlySpan<byte> value)
    {
        value = default;
        number = wireType = 0;
        if (!RawProtobuf.TryVarint(body, ref pos, out var tag)) return false;
        number = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        var start = pos;
        switch (wireType)
        {
            case 0:
                if (!RawProtobuf.TrySkipVarint(body, ref pos)) return false;
                break;
            case 1:
                pos += 8;
                break;
            case 2:
                if (!RawProtobuf.TryVarint(body, ref pos, out var length) || length > (ulong)(body.Length - pos)) return false;
                start = pos;
                pos += (int)length;
                break;
            case 5:
                pos += 4;
                break;
            default:
                return false; // groups: none in the OpenD schemas; left to the parser
        }
        if (pos > body.Length) return false;
        value = body[start..pos];
        return true;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> value)
    {
        var pos = 0;
        return RawProtobuf.TryVarint(value, ref pos, out var v) ? v : 0;
    }

    private const string SecurityType = "Qot_Common.Security";
    private const string TrdHeaderType = "Trd_Common.TrdHeader";

    // Per message type, only the message fields through which a Security or a TrdHeader can be reached:
    // an order book's twenty price levels, say, are never walked.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MessageDescriptor, FieldDescriptor[]> LeadsByType = new();

    private static FieldDescriptor[] Leads(MessageDescriptor d) => LeadsByType.GetOrAdd(d, static d =>
        d.Fields.InDeclarationOrder()
            .Where(f => f.FieldType == FieldType.Message && !f.IsMap && CanReach(f.MessageType, []))
            .ToArray());

    private static bool CanReach(MessageDescriptor d, HashSet<MessageDescriptor> seen) =>
        d.FullName is SecurityType or TrdHeaderType
        || seen.Add(d) && d.Fields.InDeclarationOrder().Any(f => f.FieldType == FieldType.Message && !f.IsMap && CanReach(f.MessageType, seen));

    private static string FormatSecurity(IMessage security)
    {
        var fields = security.Descriptor.Fields;
        var market = (int)(fields.InDeclarationOrder().First(f => f.Name == "market").Accessor.GetValue(security) ?? 0);
        var code = fields.InDeclarationOrder().First(f => f.Name == "code").Accessor.GetValue(security) as string ?? "";
        return $"{MarketPrefix(market)}.{code}";
    }

    // Qot_Common.QotMarket numbers, spelled the way the SDKs print codes (HK.00700, US.AAPL, SH.600519).
    private static string MarketPrefix(int market) => market switch
    {
        1 or 2 => "HK",
        11 => "US",
        21 => "SH",
        22 => "SZ",
        31 => "SG",
        41 => "JP",
        51 => "AU",
        61 => "MY",
        71 => "CA",
        81 => "FX",
        _ => market.ToString(CultureInfo.InvariantCulture),
    };

    private static string FormatTrdHeader(IMessage header)
    {
        var fields = header.Descriptor.Fields.InDeclarationOrder();
        var acc = fields.FirstOrDefault(f => f.Name == "accID") is { } a && a.Accessor.HasValue(header) ? a.Accessor.GetValue(header) : null;
        var env = fields.FirstOrDefault(f => f.Name == "trdEnv") is { } e && e.Accessor.HasValue(header) ? (int)e.Accessor.GetValue(header) : -1;
        var envName = env switch { 0 => "SIMULATE", 1 => "REAL", _ => null };
        return acc is null ? (envName is null ? "" : $"env={envName}") : $"acc={acc}" + (envName is null ? "" : $" env={envName}");
    }
}
