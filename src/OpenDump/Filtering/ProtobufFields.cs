using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace OpenDump.Filtering;

/// <summary>Reading decoded bodies by the names and spellings of their JSON rendering, straight from the messages.</summary>
internal static class ProtobufFields
{
    private static readonly ConcurrentDictionary<MessageDescriptor, FrozenDictionary<string, FieldDescriptor>> ByJsonName = new();

    /// <summary>A field by its JSON name (what the output shows), looked up once per message type.</summary>
    public static FieldDescriptor? Find(MessageDescriptor message, string jsonName) =>
        ByJsonName.GetOrAdd(message, static d => d.Fields.InDeclarationOrder().ToFrozenDictionary(f => f.JsonName, StringComparer.Ordinal))
            .GetValueOrDefault(jsonName);

    /// <summary>A scalar field's value as the JSON output spells it: enums by name, bytes in base64.</summary>
    public static Value ToValue(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.Bool => Value.OfBool((bool)value),
        FieldType.String => Value.OfString((string)value),
        FieldType.Bytes => Value.OfString(((ByteString)value).ToBase64()),
        FieldType.Double => Value.OfDouble((double)value),
        FieldType.Float => Value.OfSingle((float)value),
        FieldType.Enum => EnumValue(field.EnumType, (int)value),
        _ => Value.OfNumber(value switch
        {
            int i => (decimal)i,
            long l => l,
            uint u => u,
            ulong u => u,
            _ => throw new InvalidOperationException($"{field.FullName}: unexpected {value.GetType()}"),
        }),
    };

    // JsonFormatter prints an enum number the schema does not name as the number itself.
    private static Value EnumValue(EnumDescriptor type, int number) =>
        Value.Enum(number, type.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture));

    /// <summary>The type as a .proto file spells it: int32, string, enum Common.RetType, Qot_Common.Security.</summary>
    public static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => field.MessageType.FullName,
        FieldType.Enum => "enum " + field.EnumType.FullName,
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };
}
