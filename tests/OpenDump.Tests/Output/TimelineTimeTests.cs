using System.Globalization;
using System.Text;
using OpenDump.Output;
using Xunit;

namespace OpenDump.Tests.Timeline;

/// <summary>A timeline line's time is written as characters by the text path and as UTF-8 by the byte path: the same text.</summary>
public sealed class TimelineTimeTests
{
    [Fact]
    public void The_time_as_UTF8_is_the_time_as_characters_and_what_the_double_format_gives()
    {
        var random = new Random(11);
        var values = new List<long> { 0, 1, -1, 999_999, 1_000_000, -1_000_000, 1_000_001, 59_999_999, 123_456_789_012, -987_654_321, 99_999_999_999_999 };
        for (var i = 0; i < 20_000; i++) values.Add(random.NextInt64(-10_000_000_000, 10_000_000_000_000) >> random.Next(0, 40));
        Span<char> chars = stackalloc char[32];
        Span<byte> bytes = stackalloc byte[32];
        foreach (var micros in values)
        {
            var text = TimelineWriter.FormatSeconds(micros, chars).ToString();
            var n = TimelineWriter.FormatSeconds(micros, bytes);
            Assert.Equal(text, Encoding.UTF8.GetString(bytes[..n]));
            // The definition: seconds to six decimals, right-aligned in 12 columns.
            Assert.Equal((micros / 1e6).ToString("0.000000", CultureInfo.InvariantCulture).PadLeft(12), text);
        }
    }
}
