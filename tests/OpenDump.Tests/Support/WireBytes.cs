namespace OpenDump.Tests.Support;

/// <summary>Protobuf wire bytes built by hand, for bodies a serializer would not write.</summary>
public static class WireBytes
{
    public static byte[] Varint(ulong v)
    {
        var bytes = new List<byte>();
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }
        bytes.Add((byte)v);
        return bytes.ToArray();
    }
}
