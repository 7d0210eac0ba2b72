using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenDump.Tests.Support;

/// <summary>
/// Compares two protobuf JSON renderings the way the expected files allow: a field one side omits
/// must hold its default on the other, 64-bit integers may be strings or numbers, and floats are
/// equal when they are the same float32 or double. Any other difference is reported with its path.
/// </summary>
public static class JsonSemantics
{
    public static List<string> Differences(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        var diffs = new List<string>();
        Compare(expected, actual, path, diffs);
        return diffs;
    }

    private static void Compare(JsonNode? e, JsonNode? a, string path, List<string> diffs)
    {
        if (diffs.Count > 20) return;
        if (e is null || a is null)
        {
            if (!(IsDefault(e) && IsDefault(a))) diffs.Add($"{path}: expected {e?.ToJsonString() ?? "null"}, got {a?.ToJsonString() ?? "null"}");
            return;
        }
        switch (e)
        {
            case JsonObject eo when a is JsonObject ao:
                foreach (var key in eo.Select(p => p.Key).Union(ao.Select(p => p.Key)))
                {
                    var ev = eo.TryGetPropertyValue(key, out var x) ? x : null;
                    var av = ao.TryGetPropertyValue(key, out var y) ? y : null;
                    var inE = eo.ContainsKey(key);
                    var inA = ao.ContainsKey(key);
                    if (inE && inA) Compare(ev, av, $"{path}.{key}", diffs);
                    else if (inE && !IsDefault(ev)) diffs.Add($"{path}.{key}: missing (expected {ev!.ToJsonString()})");
                    else if (inA && !IsDefault(av)) diffs.Add($"{path}.{key}: unexpected {av!.ToJsonString()}");
                }
                return;
            case JsonArray ea when a is JsonArray aa:
                if (ea.Count != aa.Count)
                {
                    diffs.Add($"{path}: expected {ea.Count} items, got {aa.Count}");
                    return;
                }
                for (var i = 0; i < ea.Count; i++) Compare(ea[i], aa[i], $"{path}[{i}]", diffs);
                return;
            case JsonValue ev when a is JsonValue av:
                if (!ScalarEquals(ev, av)) diffs.Add($"{path}: expected {ev.ToJsonString()}, got {av.ToJsonString()}");
                return;
            default:
                diffs.Add($"{path}: expected {e.ToJsonString()}, got {a.ToJsonString()}");
                return;
        }
    }

    private static bool ScalarEquals(JsonValue e, JsonValue a)
    {
        if (e.ToJsonString() == a.ToJsonString()) return true;
        if (TryNumber(e, out var x) && TryNumber(a, out var y))
        {
            if (x == y) return true;
            if (double.TryParse(e.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var dx)
                && double.TryParse(a.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var dy))
                return dx.Equals(dy) || (float)dx == (float)dy;
        }
        return false;
    }

    private static bool TryNumber(JsonValue v, out decimal d) =>
        decimal.TryParse(v.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d);

    private static bool IsDefault(JsonNode? n) => n switch
    {
        null => true,
        JsonArray arr => arr.Count == 0,
        JsonObject => false,
        JsonValue v => v.ToJsonString() is "0" or "\"0\"" or "\"\"" or "false" or "0.0" || (TryNumber(v, out var d) && d == 0),
        _ => false,
    };
}
