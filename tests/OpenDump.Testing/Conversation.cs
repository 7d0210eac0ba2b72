using OpenDump.Link;

namespace OpenDump.Testing;

public enum Direction
{
    ClientToServer,
    ServerToClient,
}

/// <summary>
/// The body cipher in force on a connection after InitConnect (PROTOCOL.md §3). The numbers are the
/// <c>packetEncAlgo</c> values of Common.PacketEncAlgo.
/// </summary>
public enum BodyEncryption
{
    None = -1,
    FtAesEcb = 0,
    AesEcb = 1,
    AesCbc = 2,
}

/// <summary>
/// What one application write put on the wire. ProtoId, SerialNo and Plaintext are null for raw bytes
/// (garbage, hand-made frames) where the builder cannot vouch for any of them.
/// </summary>
public sealed record WireMessage(
    Direction Dir,
    long TimestampMicros,
    byte[] Bytes,
    uint? ProtoId,
    uint? SerialNo,
    byte[]? Plaintext);

/// <summary>
/// The keys a connection ended up with, for tests that hand them to the analyzer out of band
/// (a capture that starts after InitConnect) or check that it recovered the same ones.
/// </summary>
public sealed record SessionKeys(ulong ConnId, string AesKey, string? AesCbcIv, BodyEncryption Encryption);

/// <summary>One TCP connection's application traffic, in the order it was written.</summary>
public sealed record Conversation(
    Endpoint Client,
    Endpoint Server,
    long StartMicros,
    IReadOnlyList<WireMessage> Messages,
    SessionKeys? Keys)
{
    /// <summary>Everything one side sent, concatenated: what a perfect reassembler hands the framer.</summary>
    public byte[] StreamOf(Direction dir)
    {
        using var stream = new MemoryStream();
        foreach (var message in Messages)
            if (message.Dir == dir) stream.Write(message.Bytes);
        return stream.ToArray();
    }

    public Endpoint SourceOf(Direction dir) => dir == Direction.ClientToServer ? Client : Server;

    public Endpoint DestinationOf(Direction dir) => dir == Direction.ClientToServer ? Server : Client;
}
