namespace OpenDump.WebSocket;

/// <summary>Recognises TLS (wss://) by its first record header: handshake type 22, version 3.x.</summary>
public static class TlsRecord
{
    public static bool LooksLikeTls(ReadOnlySpan<byte> first) =>
        first.Length >= 1 && first[0] == 0x16
        && (first.Length < 2 || first[1] == 0x03)
        && (first.Length < 3 || first[2] <= 0x04);
}
