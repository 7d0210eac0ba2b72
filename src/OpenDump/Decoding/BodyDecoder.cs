using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Framing;

namespace OpenDump.Decoding;

/// <summary>The result of decoding one plaintext body against its schema.</summary>
public sealed record DecodedBody(IMessage? Message, string? Error, IReadOnlyList<string> MissingRequired);

/// <summary>Parses plaintext bodies, protobuf or JSON (protoFmtType 1), into the generated message types.</summary>
public static class BodyDecoder
{
    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static DecodedBody Decode(MessageDescriptor descriptor, byte protoFmt, ReadOnlySpan<byte> plaintext)
    {
        IMessage message;
        try
        {
            if (protoFmt == FrameHeader.FormatJson)
            {
                message = Json.Parse(Encoding.UTF8.GetString(plaintext), descriptor);
            }
            else
            {
                // MergeFrom on a fresh instance rather than the parser: a proto2 message with a missing
                // required field is still shown, and the missing fields are reported by name.
                message = (IMessage)Activator.CreateInstance(descriptor.ClrType)!;
                message.MergeFrom(plaintext);
            }
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException or DecoderFallbackException)
        {
            var what = protoFmt == FrameHeader.FormatJson ? "JSON" : "protobuf";
            return new DecodedBody(null, $"body is not a valid {what} {descriptor.FullName}: {e.Message}", []);
        }

        // The cheap walk answers almost every frame; paths are spelled out only when something is missing.
        List<string>? missing = null;
        if (AnyMissing(message, 0)) FindMissingRequired(message, "", ref missing, 0);
        return new DecodedBody(message, null, missing ?? (IReadOnlyList<string>)[]);
    }

    /// <summary>Per message type, only the fields that matter to the required-field check, found once.</summary>
    private sealed record RequiredPlan(FieldDescriptor[] Required, FieldDescriptor[] Nested);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MessageDescriptor, RequiredPlan> Plans = new();

    private static RequiredPlan PlanFor(MessageDescriptor d) => Plans.GetOrAdd(d, static d =>
    {
        var fields = d.Fields.InDeclarationOrder();
        return new RequiredPlan(
            fields.Where(f => f.IsRequired).ToArray(),
            fields.Where(f => f.FieldType == FieldType.Message && !f.IsMap && CanHoldRequired(f.MessageType, [])).ToArray());
    });

    private static bool CanHoldRequired(MessageDescriptor d, HashSet<MessageDescriptor> seen) =>
        seen.Add(d) && d.Fields.InDeclarationOrder().Any(f => f.IsRequired || f.FieldType == FieldType.Message && !f.IsMap && CanHoldRequired(f.MessageType, seen));

    private static bool AnyMissing(IMessage message, int depth)
    {
        if (depth > 32) return false;
        var plan = PlanFor(message.Descriptor);
        foreach (var field in plan.Required)
            if (!field.Accessor.HasValue(message)) return true;
        foreach (var field in plan.Nested)
        {
            if (field.IsRepeated)
            {
                // Indexed, not foreach: the non-generic enumerator would be an allocation per list per frame.
                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                for (var i = 0; i < list.Count; i++)
                    if (list[i] is IMessage m && AnyMissing(m, depth + 1)) return true;
            }
            else if (field.Accessor.HasValue(message) && field.Accessor.GetValue(message) is IMessage child && AnyMissing(child, depth + 1))
            {
                return true;
            }
        }
        return false;
    }

    private static void FindMissingRequired(IMessage message, string prefix, ref List<string>? missing, int depth)
    {
        if (depth > 32) return;
        var plan = PlanFor(message.Descriptor);
        foreach (var field in plan.Required)
        {
            if (!field.Accessor.HasValue(message)) (missing ??= []).Add(prefix.Length == 0 ? field.JsonName : prefix + "." + field.JsonName);
        }
        foreach (var field in plan.Nested)
        {
            if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (System.Collections.IList)field.Accessor.GetValue(message))
                {
                    if (item is IMessage m) FindMissingRequired(m, $"{Path(prefix, field)}[{i}]", ref missing, depth + 1);
                    i++;
                }
            }
            else if (field.Accessor.HasValue(message) && field.Accessor.GetValue(message) is IMessage child)
            {
                FindMissingRequired(child, Path(prefix, field), ref missing, depth + 1);
            }
        }
    }

    private static string Path(string prefix, FieldDescriptor field) => prefix.Length == 0 ? field.JsonName : prefix + "." + field.JsonName;
}
