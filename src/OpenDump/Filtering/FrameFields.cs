using System.Collections.Frozen;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Filtering;

/// <summary>
/// A top-level name of the filter language: a key of the JSON output (<see cref="FrameJson"/>), read
/// from the frame with the value that key shows. <see cref="Values"/> lists every value a closed
/// set of names can take, so that a typo in a comparison can be reported.
/// </summary>
internal sealed record FrameField(string Name, string Type, string Description, Func<OpenDFrame, Value?> Read, IReadOnlyList<string>? Values = null);

internal static class FrameFields
{
    public const string Body = "body";
    public const string Diagnostics = "diagnostics";
    public const string Proto = "proto";

    /// <summary>In the order of <see cref="FrameJson"/>, which is the order users see.</summary>
    public static IReadOnlyList<FrameField> All { get; } =
    [
        new("frame", "integer", "frame number in the capture, from 1", f => Value.OfNumber(f.Number)),
        new("ts", "decimal", "capture time in seconds since the epoch, to the microsecond", f => Value.OfNumber(f.TimestampMicros / 1_000_000m)),
        new("conn", "integer", "connection number, from 1 in order of first sight", f => Value.OfNumber(f.Connection.Number)),
        new("transport", "string", "how the SDK talks to OpenD", f => Value.OfString(f.Transport.Name()),
            Enum.GetValues<Transport>().Select(t => t.Name()).ToArray()),
        new("client", "string", "the SDK's end, address:port", f => Value.OfString(f.Connection.Client.ToString())),
        new("server", "string", "OpenD's end, address:port", f => Value.OfString(f.Connection.Server.ToString())),
        new("connId", "string", "the connection's connID from InitConnect (null before the handshake or without it)", f => String(f.ConnId)),
        new("dir", "string", "direction", f => Value.OfString(f.Direction.Name()),
            Enum.GetValues<FlowDirection>().Select(d => d.Name()).ToArray()),
        new("protoId", "integer", "protoID on TCP, cmd on WebSocket", f => Value.OfNumber(f.ProtoId)),
        new(Proto, "string", "protocol name, e.g. Qot_GetBasicQot (null when the protoID is unknown)", f => String(f.ProtoName)),
        new("kind", "string", "what the frame is", f => Value.OfString(f.Kind.Name()),
            Enum.GetValues<FrameKind>().Select(k => k.Name()).ToArray()),
        new("protoFmt", "integer", "body format: 0 protobuf, 1 JSON", f => Value.OfNumber(f.ProtoFmt)),
        new("protoVer", "integer", "header protoVer (null on WebSocket)", f => Number(f.ProtoVer)),
        new("serialNo", "integer", "serialNo on TCP, section on WebSocket: pairs a response with its request", f => Value.OfNumber(f.SerialNo)),
        new("bodyLen", "integer", "body length in bytes as carried", f => Value.OfNumber(f.BodyLen)),
        new("encryption", "string", "how the body is encrypted on the wire", f => Value.OfString(f.Encryption.Name()),
            Enum.GetValues<EncryptionKind>().Select(e => e.Name()).ToArray()),
        new("decrypted", "bool", "the body could be read", f => Value.OfBool(f.Decrypted)),
        new("sha1Ok", "bool", "the header's SHA-1 matches the body (null when there was nothing to hash)", f => Bool(f.Sha1Ok)),
        new("wsError", "integer", "WebSocket: the SDK header's error (null on TCP and client messages)", f => Number(f.WebSocket?.Error)),
        new("wsErrmsg", "string", "WebSocket: the SDK header's errmsg", f => String(f.WebSocket?.Errmsg)),
        new("wsFrames", "integer", "WebSocket: frames the message took (null on TCP)", f => Number(f.WebSocket?.Frames)),
        new("wsCompressed", "bool", "WebSocket: the message was deflated (null on TCP)", f => Bool(f.WebSocket?.Compressed)),
        new("latencyMs", "decimal", "for a response, milliseconds since its request", f => f.LatencyMicros is { } l ? Value.OfNumber(l / 1000m) : null),
        new("retType", "integer", "a reply's retType: 0 success, negative failure", f => Number(f.RetType)),
        new("retMsg", "string", "a reply's retMsg", f => String(f.RetMsg)),
        new(Body, "message", "the decoded body: body.c2s..., body.s2c..., body.retType, body.errCode (opendump fields <proto> lists them)",
            f => f.Message is null ? null : Value.Message),
        new("raw", "string", "the body bytes in base64 when they could not be decoded", f => f.Message is null && f.RawBody is { } raw ? Value.OfString(Convert.ToBase64String(raw)) : null),
        new(Diagnostics, "list", "what went wrong with the frame: diagnostics[*].code, .severity, .message", f => Value.List(f.Diagnostics.Count)),
    ];

    /// <summary>The members of each element of diagnostics, as <see cref="FrameJson.WriteDiagnostics"/> writes them.</summary>
    public static IReadOnlyList<(string Name, string Description)> DiagnosticMembers { get; } =
    [
        ("code", "a stable dotted code, e.g. opendump.sha1_mismatch"),
        ("severity", "info, warning or error"),
        ("message", "what happened, in words"),
    ];

    public static FrozenDictionary<string, FrameField> ByName { get; } = All.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    public static Value DiagnosticMember(Diagnostic d, string member) => member switch
    {
        "code" => Value.OfString(d.Code),
        "severity" => Value.OfString(d.Severity.ToString().ToLowerInvariant()),
        _ => Value.OfString(d.Message),
    };

    private static Value? String(string? s) => s is null ? null : Value.OfString(s);
    private static Value? Number(long? n) => n is { } v ? Value.OfNumber(v) : null;
    private static Value? Bool(bool? b) => b is { } v ? Value.OfBool(v) : null;
}
