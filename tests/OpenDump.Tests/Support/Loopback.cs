using System.Net;
using System.Net.Sockets;
using OpenDump.Testing;
using Xunit;

namespace OpenDump.Tests.Support;

/// <summary>A conversation from the builders played over a real TCP connection on loopback, for live captures to see.</summary>
internal static class Loopback
{
    /// <summary>Connects to <paramref name="listener"/> and sends each message from its side, the other side reading it whole first.</summary>
    public static async Task ReplayAsync(TcpListener listener, Conversation conversation)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var c = client.GetStream();
        var s = server.GetStream();
        foreach (var m in conversation.Messages)
        {
            var (from, to) = m.Dir == Direction.ClientToServer ? (c, s) : (s, c);
            await from.WriteAsync(m.Bytes);
            // The other side reads it all before the next message, so the capture keeps the transcript's order.
            var received = new byte[m.Bytes.Length];
            await to.ReadExactlyAsync(received);
            Assert.Equal(m.Bytes, received);
        }
    }
}
