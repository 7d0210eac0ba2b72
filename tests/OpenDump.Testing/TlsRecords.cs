using System.Buffers.Binary;
using System.Text;

namespace OpenDump.Testing;

public enum TlsVersion
{
    Tls12,
    Tls13,
}

/// <summary>
/// The TLS records a wss:// connection shows before and after its handshake, for tests of what the
/// analyzer makes of traffic it cannot decrypt. The hellos have the shape browsers and Node send
/// (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2); randoms, session ids, key shares and application data are seeded
/// noise, so the same arguments always give the same bytes. Nothing here is cryptographically real.
/// </summary>
public static class TlsRecords
{
    public const byte ContentChangeCipherSpec = 0x14;
    public const byte ContentHandshake = 0x16;
    public const byte ContentApplicationData = 0x17;

    public const byte HandshakeClientHello = 0x01;
    public const byte HandshakeServerHello = 0x02;

    /// <summary>RFC 8446 §5.2: a protected record carries at most 2^14 bytes of plaintext plus 256 of expansion.</summary>
    public const int MaxCiphertextLength = (1 << 14) + 256;

    public const ushort ExtensionServerName = 0x0000;

    // The record version: ClientHellos say TLS 1.0 for old middleboxes (RFC 8446 §5.1), everything else 1.2.
    private const ushort LegacyRecordVersion = 0x0301;
    private const ushort Tls12Version = 0x0303;
    private const ushort Tls13Version = 0x0304;

    private const ushort ExtensionSupportedGroups = 0x000A;
    private const ushort ExtensionEcPointFormats = 0x000B;
    private const ushort ExtensionSignatureAlgorithms = 0x000D;
    private const ushort ExtensionAlpn = 0x0010;
    private const ushort ExtensionSupportedVersions = 0x002B;
    private const ushort ExtensionPskKeyExchangeModes = 0x002D;
    private const ushort ExtensionKeyShare = 0x0033;
    private const ushort ExtensionRenegotiationInfo = 0xFF01;

    private const ushort GroupX25519 = 0x001D;
    private const ushort SuiteTlsAes128GcmSha256 = 0x1301;
    private const ushort SuiteEcdheRsaAes128GcmSha256 = 0xC02F;

    private static readonly ushort[] Tls13Suites = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8];
    private static readonly ushort[] Tls12Suites = [0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035];
    private static readonly ushort[] Groups = [GroupX25519, 0x0017, 0x0018];
    private static readonly ushort[] SignatureSchemes = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];

    /// <summary>
    /// A ClientHello offering <paramref name="version"/> (1.3 also offers 1.2, as clients do) and ALPN
    /// http/1.1, since a WebSocket upgrade is HTTP/1.1. A null <paramref name="serverName"/> leaves SNI out,
    /// as clients do when they connect to an IP address (RFC 6066 §3 forbids literal addresses there).
    /// </summary>
    public static byte[] ClientHello(string? serverName, TlsVersion version = TlsVersion.Tls13, long seed = 1)
    {
        var random = new SeededRandom(seed);
        var extensions = new Writer();
        if (serverName is not null)
        {
            var name = Encoding.ASCII.GetBytes(serverName);
            extensions.Extension(ExtensionServerName, e => e.Vector16(list => list.U8(0).Vector16(n => n.Bytes(name))));
        }
        extensions
            .Extension(ExtensionEcPointFormats, e => e.Vector8(f => f.U8(0)))
            .Extension(ExtensionSupportedGroups, e => e.Vector16(g => g.U16s(Groups)))
            .Extension(ExtensionAlpn, e => e.Vector16(list => list.Vector8(p => p.Bytes("http/1.1"u8))))
            .Extension(ExtensionSignatureAlgorithms, e => e.Vector16(s => s.U16s(SignatureSchemes)));
        if (version == TlsVersion.Tls13)
            extensions
                .Extension(ExtensionSupportedVersions, e => e.Vector8(v => v.U16(Tls13Version).U16(Tls12Version)))
                .Extension(ExtensionPskKeyExchangeModes, e => e.Vector8(m => m.U8(1)))
                .Extension(ExtensionKeyShare, e => e.Vector16(shares => shares.U16(GroupX25519).Vector16(k => k.Random(random, 32))));

        var hello = new Writer()
            .U16(Tls12Version)
            .Random(random, 32)
            // TLS 1.3 clients send a 32-byte legacy session id to look like a 1.2 resumption (RFC 8446 Appendix D.4).
            .Vector8(id => id.Random(random, version == TlsVersion.Tls13 ? 32 : 0))
            .Vector16(s => s.U16s(version == TlsVersion.Tls13 ? Tls13Suites : Tls12Suites))
            .Vector8(c => c.U8(0))
            .Vector16(e => e.Bytes(extensions.ToArray()));
        return Record(ContentHandshake, LegacyRecordVersion, Handshake(HandshakeClientHello, hello.ToArray()));
    }

    /// <summary>
    /// The server's answer choosing <paramref name="version"/>. A real 1.3 server echoes the client's
    /// session id; this one makes up its own, which no passive reader can tell apart.
    /// </summary>
    public static byte[] ServerHello(TlsVersion version = TlsVersion.Tls13, long seed = 2)
    {
        var random = new SeededRandom(seed);
        var extensions = new Writer();
        if (version == TlsVersion.Tls13)
            extensions
                .Extension(ExtensionSupportedVersions, e => e.U16(Tls13Version))
                .Extension(ExtensionKeyShare, e => e.U16(GroupX25519).Vector16(k => k.Random(random, 32)));
        else
            extensions
                .Extension(ExtensionRenegotiationInfo, e => e.Vector8(_ => { }))
                .Extension(ExtensionEcPointFormats, e => e.Vector8(f => f.U8(0)));

        var hello = new Writer()
            .U16(Tls12Version)
            .Random(random, 32)
            .Vector8(id => id.Random(random, 32))
            .U16(version == TlsVersion.Tls13 ? SuiteTlsAes128GcmSha256 : SuiteEcdheRsaAes128GcmSha256)
            .U8(0)
            .Vector16(e => e.Bytes(extensions.ToArray()));
        return Record(ContentHandshake, Tls12Version, Handshake(HandshakeServerHello, hello.ToArray()));
    }

    /// <summary>The one-byte record TLS 1.3 peers still send for middlebox compatibility, and 1.2 peers before Finished.</summary>
    public static byte[] ChangeCipherSpec() => Record(ContentChangeCipherSpec, Tls12Version, [0x01]);

    /// <summary>An encrypted record of exactly <paramref name="length"/> bytes of seeded noise.</summary>
    public static byte[] ApplicationData(int length, long seed = 3)
    {
        if (length is < 0 or > MaxCiphertextLength) throw new ArgumentOutOfRangeException(nameof(length));
        var noise = new byte[length];
        new SeededRandom(seed).NextBytes(noise);
        return Record(ContentApplicationData, Tls12Version, noise);
    }

    /// <summary>Any record, for the ones above with a twist (a wrong version, a length the fragment does not have).</summary>
    public static byte[] Record(byte contentType, ushort version, ReadOnlySpan<byte> fragment)
    {
        if (fragment.Length > ushort.MaxValue) throw new ArgumentException("a record length is 16 bits", nameof(fragment));
        return new Writer().U8(contentType).U16(version).U16((ushort)fragment.Length).Bytes(fragment).ToArray();
    }

    private static byte[] Handshake(byte type, byte[] body) =>
        new Writer().U8(type).Vector24(b => b.Bytes(body)).ToArray();

    /// <summary>TLS's presentation language: big-endian integers and length-prefixed vectors.</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _buffer = new();

        public Writer U8(byte value)
        {
            _buffer.WriteByte(value);
            return this;
        }

        public Writer U16(ushort value)
        {
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
            return Bytes(bytes);
        }

        public Writer U16s(IEnumerable<ushort> values)
        {
            foreach (var value in values) U16(value);
            return this;
        }

        public Writer Bytes(ReadOnlySpan<byte> bytes)
        {
            _buffer.Write(bytes);
            return this;
        }

        public Writer Random(SeededRandom random, int count)
        {
            var bytes = new byte[count];
            random.NextBytes(bytes);
            return Bytes(bytes);
        }

        public Writer Vector8(Action<Writer> content) => Vector(1, content);

        public Writer Vector16(Action<Writer> content) => Vector(2, content);

        public Writer Vector24(Action<Writer> content) => Vector(3, content);

        public Writer Extension(ushort type, Action<Writer> content) => U16(type).Vector16(content);

        public byte[] ToArray() => _buffer.ToArray();

        private Writer Vector(int lengthBytes, Action<Writer> content)
        {
            var inner = new Writer();
            content(inner);
            var bytes = inner.ToArray();
            if (bytes.Length >= 1L << (8 * lengthBytes)) throw new ArgumentException($"{bytes.Length} bytes overflow a {lengthBytes}-byte length");
            for (var shift = 8 * (lengthBytes - 1); shift >= 0; shift -= 8) _buffer.WriteByte((byte)(bytes.Length >> shift));
            return Bytes(bytes);
        }
    }
}
