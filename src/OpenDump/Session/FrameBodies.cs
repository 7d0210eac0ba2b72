using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Reassembly;

namespace OpenDump.Session;

/// <summary>Body decoding shared by both transports: schema lookup, decoding, and the result fields of a reply.</summary>
internal static class FrameBodies
{
    /// <summary>The decoded body, or null with the reason in <paramref name="diagnostics"/> and a schema-less view when one parses.</summary>
    public static IMessage? Decode(ProtoInfo? proto, uint protoId, FlowDirection direction, byte protoFmt, ReadOnlySpan<byte> plain,
        List<Diagnostic> diagnostics, out IReadOnlyList<RawField>? rawFields)
    {
        rawFields = null;
        IMessage? message = null;
        var toServer = direction == FlowDirection.ClientToServer;
        var descriptor = proto?.For(toServer);
        if (descriptor is null)
        {
            diagnostics.Add(proto is null
                ? Diagnostic.Warning(DiagnosticCodes.UnknownProtoId, $"protoID {protoId} is not in the protocol table; body shown without a schema")
                : Diagnostic.Warning(DiagnosticCodes.NoSchema, $"{proto.Name} ({protoId}) has no {(toServer ? "Request" : "Response")} schema in the pinned package; body shown without a schema"));
        }
        else
        {
            var decoded = BodyDecoder.Decode(descriptor, protoFmt, plain);
            message = decoded.Message;
            if (decoded.Error is not null) diagnostics.Add(Diagnostic.Error(DiagnosticCodes.DecodeFailed, decoded.Error));
            if (decoded.MissingRequired.Count > 0)
                diagnostics.Add(Diagnostic.Warning(DiagnosticCodes.MissingRequired, $"required field(s) missing: {string.Join(", ", decoded.MissingRequired)}"));
        }
        if (message is null && protoFmt == FrameHeader.FormatProtobuf && RawProtobuf.TryParse(plain, out var raw)) rawFields = raw;
        return message;
    }

    [ThreadStatic] private static List<Diagnostic>? t_diagnostics;

    /// <summary>
    /// Decodes a frame's plaintext body into the frame: the message (or a schema-less view and the raw
    /// bytes when it does not decode), a reply's result fields, and the decoding's diagnostics, which go
    /// in at <paramref name="diagnosticsAt"/> so that they keep their place among the frame's others.
    /// Below <see cref="BodyDetail.Message"/>, a protobuf body that its wire check finds whole and valid gets its
    /// result fields from the wire and no message (its plaintext kept with <see cref="BodyDetail.Plaintext"/>);
    /// any other body is decoded in full, so what can go wrong with a body is reported exactly as it always is.
    /// </summary>
    /// <param name="lent">The array <paramref name="plain"/> is, when it is lent (<see cref="PlaintextLoans"/>): kept instead of a copy.</param>
    public static void DecodeInto(OpenDFrame frame, ReadOnlySpan<byte> plain, int diagnosticsAt, BodyDetail detail = BodyDetail.Message, byte[]? lent = null)
    {
        if (detail != BodyDetail.Message && TryCheckOnly(frame, plain, detail, lent, out var plaintext))
        {
            if (detail is BodyDetail.Plaintext or BodyDetail.Json) frame.Plaintext = plaintext ?? lent ?? plain.ToArray();
            return;
        }
        var diagnostics = t_diagnostics ??= [];
        diagnostics.Clear();
        var message = Decode(frame.Proto, frame.ProtoId, frame.Direction, frame.ProtoFmt, plain, diagnostics, out var rawFields);
        frame.Message = message;
        frame.RawFields = rawFields;
        if (message is null) frame.RawBody = plain.ToArray();
        else if (frame.Direction == FlowDirection.ServerToClient)
        {
            ReadResult(message, out var retType, out var retMsg, out var errCode);
            frame.RetType = retType;
            frame.RetMsg = retMsg;
            frame.ErrCode = errCode;
        }
        if (diagnostics.Count == 0) return;
        var all = new List<Diagnostic>(frame.Diagnostics.Count + diagnostics.Count);
        all.AddRange(frame.Diagnostics);
        all.InsertRange(Math.Min(diagnosticsAt, all.Count), diagnostics);
        frame.Diagnostics = all.ToArray();
    }

    /// <summary>
    /// The wire check: true when the body is sound, with the reply's result fields set. With <see cref="BodyDetail.Json"/>
    /// the check is the walk that writes the body's JSON (<see cref="Output.ProtobufWireJson.TryFormatChecked"/>, the same
    /// verdict), made on <paramref name="plaintext"/>, the array the writer will find that JSON by; a body that walk
    /// declines gets <see cref="WireCheck.Check"/>.
    /// </summary>
    private static bool TryCheckOnly(OpenDFrame frame, ReadOnlySpan<byte> plain, BodyDetail detail, byte[]? lent, out byte[]? plaintext)
    {
        plaintext = null;
        if (frame.ProtoFmt != FrameHeader.FormatProtobuf) return false;
        var descriptor = frame.BodyDescriptor;
        if (descriptor is null || !WireCheck.IsSupported(descriptor)) return false;
        if (detail != BodyDetail.Json || !Output.ProtobufWireJson.TryFormatChecked(descriptor, plaintext = lent ?? plain.ToArray(), out var verdict))
            verdict = WireCheck.Check(descriptor, plain);
        if (!verdict.Valid || verdict.MissingRequired) return false;
        frame.PlaintextSingularsOnce = !verdict.MayMerge;
        if (frame.Direction == FlowDirection.ServerToClient)
        {
            frame.RetType = verdict.RetType;
            frame.RetMsg = verdict.RetMsg(plain);
            frame.ErrCode = verdict.ErrCode;
        }
        return true;
    }

    // Every Response message starts with retType, retMsg, errCode whatever the protocol; the fields
    // are looked up once per message type.
    private static readonly ConcurrentDictionary<MessageDescriptor, (FieldDescriptor? RetType, FieldDescriptor? RetMsg, FieldDescriptor? ErrCode)> ResultFields = new();

    public static void ReadResult(IMessage message, out int? retType, out string? retMsg, out int? errCode)
    {
        var (rt, rm, ec) = ResultFields.GetOrAdd(message.Descriptor, static d => (d.FindFieldByName("retType"), d.FindFieldByName("retMsg"), d.FindFieldByName("errCode")));
        retType = rt is not null && rt.Accessor.HasValue(message) ? (int)rt.Accessor.GetValue(message) : null;
        retMsg = rm is not null && rm.Accessor.HasValue(message) ? (string)rm.Accessor.GetValue(message) : null;
        errCode = ec is not null && ec.Accessor.HasValue(message) ? (int)ec.Accessor.GetValue(message) : null;
    }
}
