using System.Buffers;
using Google.Protobuf.Reflection;
using OpenDump.Decoding;
using Xunit;

namespace OpenDump.Tests.Support;

/// <summary>What the JSON writers' tests share: the message types to try, a writer that crosses every buffer boundary, and a readable text diff.</summary>
public static class JsonWriterChecks
{
    /// <summary>Request and response types of every protocol, and every message type they contain.</summary>
    public static List<MessageDescriptor> MessageTypes()
    {
        var seen = new HashSet<MessageDescriptor>();
        var ordered = new List<MessageDescriptor>();
        void Visit(MessageDescriptor d)
        {
            if (!seen.Add(d)) return;
            ordered.Add(d);
            foreach (var f in d.Fields.InFieldNumberOrder())
                if (f.FieldType is FieldType.Message or FieldType.Group) Visit(f.MessageType);
        }
        foreach (var info in ProtoRegistry.Default.All)
        {
            if (info.Request is { } request) Visit(request);
            if (info.Response is { } response) Visit(response);
        }
        return ordered;
    }

    public static void AssertEqualText(string expected, string actual, string where)
    {
        if (expected == actual) return;
        var at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        string Around(string s) => s.Substring(Math.Max(0, at - 60), Math.Min(s.Length, at + 60) - Math.Max(0, at - 60));
        Assert.Fail($"{where}: differs at {at}\n  expected ...{Around(expected)}...\n  actual   ...{Around(actual)}...");
    }

    /// <summary>Hands out spans of exactly the size asked for, so every boundary in the writer is crossed.</summary>
    public sealed class SmallSpanWriter : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public IReadOnlyList<byte> Written => _written;

        public void Write(ReadOnlySpan<byte> bytes) => _written.AddRange(bytes);

        public Span<byte> GetSpan(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count));
    }
}
