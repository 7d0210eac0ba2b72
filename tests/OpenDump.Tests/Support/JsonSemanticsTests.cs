using System.Text.Json.Nodes;
using Xunit;

namespace OpenDump.Tests.Support;

/// <summary>The golden comparison must catch real differences, or the golden tests prove nothing.</summary>
public sealed class JsonSemanticsTests
{
    [Theory]
    [InlineData("""{"a":1}""", """{"a":1}""", 0)]
    [InlineData("""{"a":"5"}""", """{"a":5}""", 0)]                 // 64-bit spelled as a string
    [InlineData("""{"a":0,"b":""}""", """{}""", 0)]                 // defaults spelled or omitted
    [InlineData("""{"p":1795566714.623}""", """{"p":1795566714.623}""", 0)]
    [InlineData("""{"f":0.1}""", """{"f":0.10000000149011612}""", 0)] // the same float32
    [InlineData("""{"a":1}""", """{"a":2}""", 1)]
    [InlineData("""{"a":1}""", """{}""", 1)]
    [InlineData("""{"s":{"x":"HK"}}""", """{"s":{"x":"US"}}""", 1)]
    [InlineData("""{"l":[1,2]}""", """{"l":[1]}""", 1)]
    [InlineData("""{}""", """{"extra":3}""", 1)]
    public void Differences_are_found_and_spellings_are_forgiven(string expected, string actual, int differences)
    {
        Assert.Equal(differences, JsonSemantics.Differences(JsonNode.Parse(expected), JsonNode.Parse(actual)).Count);
    }
}
