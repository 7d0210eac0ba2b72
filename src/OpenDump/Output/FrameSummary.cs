using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// The short "what is this about" of a frame: the failure of a failed call, else the securities or
/// the trading account the message names, found by their schema types wherever they sit.
/// </summary>
public static class FrameSummary
{
    private const int MaxSecurities = 4;

    public static string Describe(OpenDFrame frame)
    {
        if (frame.WebSocket is { } ws && DescribeWebSocket(frame, ws) is { } special) return special;
        if (frame.RetType is { } rt and not 0)
        {
            var err = frame.ErrCode is { } ec and not 0 ? $" errCode={ec}" : "";
            return $"FAILED retType={rt}{err} retMsg=\"{frame.RetMsg}\"";
        }
        if (frame.Message is null) return "";

        var securities = new List<string>();
        string? account = null;
        Walk(frame.Message, securities, ref account, 0);
        var parts = new List<string>();
        if (account is not null) parts.Add(account);
        if (securities.Count > 0)
        {
            var distinct = securities.Distinct().ToList();
            parts.Add(string.Join(' ', distinct.Take(MaxSecurities)) + (distinct.Count > MaxSecurities ? $" +{distinct.Count - MaxSecurities}" : ""));
        }
        return string.Join(' ', parts);
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

    private static void Walk(IMessage message, List<string> securities, ref string? account, int depth)
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
