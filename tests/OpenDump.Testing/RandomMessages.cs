using System.Collections;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace OpenDump.Testing;

/// <summary>Fills messages through the descriptors' accessors with values chosen to trip a formatter up.</summary>
public sealed class RandomMessages(int seed, bool loneSurrogates = false)
{
    private const int MaxDepth = 3;

    private static readonly string[] Pieces =
    [
        "a", "Z", " ", "0", "\"", "\\", "/", "<", ">", "&", "'", "=", "\b", "\f", "\n", "\r", "\t", "\0", "\u0001", "\u001f",
        "\u007f", "\u0080", "\u0085", "\u009f", "\u00a0", "\u00ad", "\u00e9", "\u0600", "\u0603", "\u0604", "\u06dd", "\u070f",
        "\u17b4", "\u17b5", "\u200b", "\u200f", "\u2028", "\u2029", "\u202e", "\u2060", "\u2064", "\u206a", "\u206f", "\ufeff",
        "\ufff9", "\ufffb", "\ufffd", "\uffff", "中", "腾讯控股", "\U0001F600", "\U0001F1ED\U0001F1F0", "\U00010000", "\U0010FFFF",
        "HK.00700", "2024-01-02 10:00:00.123",
    ];

    private static readonly double[] Doubles =
    [
        0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 1e21, 1e-7, 1e15, 1e16, 1e-3, 9.99e-4, 1e-4, 123456789012345.6, 1234567890123456.7,
        380.4, 380.59999999999997, 1704160800.123, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        double.Epsilon, -double.Epsilon, 2.2250738585072014E-308, 2.225073858507201E-308, double.MaxValue, double.MinValue,
        9007199254740993.0, 0.30000000000000004, 5e-324, 4.35, 2.675, 1.005,
    ];

    private static readonly float[] Floats =
    [
        0f, -0f, 1f, 0.1f, 0.2f, 1e21f, 1e-7f, 16777216f, 16777217f, 3.4028235e38f, -3.4028235e38f, float.Epsilon,
        1.17549435E-38f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 380.4f, 1e15f, 1e-3f,
    ];

    private readonly Random _rng = new(seed);

    public IMessage Create(MessageDescriptor type, int depth)
    {
        var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
        if (_rng.Next(12) == 0) return message; // empty
        foreach (var field in type.Fields.InDeclarationOrder())
        {
            if (_rng.Next(3) == 0) continue;
            var isMessage = field.FieldType is FieldType.Message or FieldType.Group;
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                var count = isMessage && depth >= MaxDepth ? _rng.Next(2) : _rng.Next(5);
                for (var i = 0; i < count; i++) list.Add(Value(field, depth));
            }
            else
            {
                field.Accessor.SetValue(message, Value(field, depth));
            }
        }
        return message;
    }

    private object Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.Message or FieldType.Group => depth >= MaxDepth
            ? Activator.CreateInstance(field.MessageType.ClrType)!
            : Create(field.MessageType, depth + 1),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Pick(0, 1, -1, int.MinValue, int.MaxValue, _rng.Next(int.MinValue, int.MaxValue), _rng.Next(-1000, 1000)),
        FieldType.UInt32 or FieldType.Fixed32 => Pick(0u, 1u, uint.MaxValue, (uint)_rng.NextInt64(0, uint.MaxValue), (uint)_rng.Next(1000)),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Pick(0L, -1L, long.MinValue, long.MaxValue, _rng.NextInt64(long.MinValue, long.MaxValue), _rng.NextInt64(-100_000, 100_000)),
        FieldType.UInt64 or FieldType.Fixed64 => Pick(0UL, 1UL, ulong.MaxValue, (ulong)_rng.NextInt64(long.MinValue, long.MaxValue), (ulong)_rng.NextInt64(1_000_000)),
        FieldType.Bool => _rng.Next(2) == 0,
        FieldType.Double => _rng.Next(3) switch
        {
            0 => Doubles[_rng.Next(Doubles.Length)],
            1 => BitConverter.Int64BitsToDouble(_rng.NextInt64(long.MinValue, long.MaxValue)),
            _ => Math.Round((_rng.NextDouble() - 0.3) * Math.Pow(10, _rng.Next(-4, 16)), _rng.Next(0, 8)),
        },
        FieldType.Float => _rng.Next(2) == 0
            ? Floats[_rng.Next(Floats.Length)]
            : BitConverter.Int32BitsToSingle(_rng.Next(int.MinValue, int.MaxValue)),
        FieldType.String => RandomString(),
        FieldType.Bytes => ByteString.CopyFrom(RandomBytes()),
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, EnumNumber(field.EnumType)),
        _ => throw new NotSupportedException(field.FieldType.ToString()),
    };

    private T Pick<T>(params T[] values) => values[_rng.Next(values.Length)];

    private int EnumNumber(EnumDescriptor type)
    {
        var values = type.Values;
        return _rng.Next(4) switch
        {
            0 => Pick(-1, -400, int.MinValue, int.MaxValue, 9_999),
            _ => values[_rng.Next(values.Count)].Number,
        };
    }

    private string RandomString()
    {
        var sb = new StringBuilder();
        var parts = _rng.Next(4) == 0 ? 0 : _rng.Next(1, 12);
        for (var i = 0; i < parts; i++)
        {
            switch (_rng.Next(4))
            {
                case 0: sb.Append((char)_rng.Next(0x20, 0x7f)); break;
                case 1:
                    var c = (char)_rng.Next(0, 0x10000);
                    if (!char.IsSurrogate(c)) sb.Append(c);
                    break;
                default: sb.Append(Pieces[_rng.Next(Pieces.Length)]); break;
            }
        }
        if (loneSurrogates && _rng.Next(3) == 0) sb.Insert(_rng.Next(sb.Length + 1), (char)_rng.Next(0xd800, 0xe000));
        return sb.ToString();
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[_rng.Next(0, 40)];
        _rng.NextBytes(bytes);
        return bytes;
    }
}
