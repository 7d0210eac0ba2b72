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

        var missing = new List<string>();
        FindMissingRequired(message, "", missing, 0);
        return new DecodedBody(message, null, missing);
    }

    private static void FindMissingRequired(IMessage message, string prefix, List<string> missing, int depth)
    {
        if (depth > 32) return;
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var path = prefix.Length == 0 ? field.JsonName : prefix + "." + field.JsonName;
            if (field.IsRequired && !field.Accessor.HasValue(message))
            {
                missing.Add(path);
                continue;
            }
            if (field.FieldType != FieldType.Message) continue;
            if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (System.Collections.IList)field.Accessor.GetValue(message))
                {
                    if (item is IMessage m) FindMissingRequired(m, $"{path}[{i}]", missing, depth + 1);
                    i++;
                }
            }
            else if (!field.IsMap && field.Accessor.HasValue(message) && field.Accessor.GetValue(message) is IMessage child)
            {
                FindMissingRequired(child, path, missing, depth + 1);
            }
        }
    }
}
