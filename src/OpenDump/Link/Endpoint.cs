using System.Net;

namespace OpenDump.Link;

/// <summary>One side of a TCP connection: address and port, printed the way the outputs need it ("ip:port", "[v6]:port").</summary>
public readonly record struct Endpoint(IPAddress Address, ushort Port)
{
    public override string ToString() =>
        Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{Address}]:{Port}"
            : $"{Address}:{Port}";

    public static Endpoint Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0) throw new FormatException($"'{text}' is not ip:port");
        var host = text[..colon].Trim('[', ']');
        return new Endpoint(IPAddress.Parse(host), ushort.Parse(text[(colon + 1)..]));
    }
}
