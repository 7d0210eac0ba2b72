using OpenDump.Capture;

namespace OpenDump.Tests.Fuzz;

/// <summary>Seeded damaged captures written to temporary files, for tests that compare two runs of the analyzer on each.</summary>
public static class DamagedCaptureFiles
{
    /// <summary>
    /// Calls <paramref name="compare"/> with the path, the case and its index (from 1) for each of <paramref name="count"/>
    /// damaged captures (seeds <paramref name="seedStep"/>, 2 × <paramref name="seedStep"/>, …); a case whose damage left no
    /// capture to open is skipped. Returns how many were compared.
    /// </summary>
    public static int Compare(int count, long seedStep, Action<string, FuzzCase, int> compare)
    {
        var compared = 0;
        for (var i = 1; i <= count; i++)
        {
            var fuzz = CaptureMutator.Create(i * seedStep, FuzzSources.All);
            var path = Path.Combine(Path.GetTempPath(), $"opendump-damaged-{Guid.NewGuid():N}.pcap");
            File.WriteAllBytes(path, fuzz.File);
            try
            {
                compare(path, fuzz, i);
                compared++;
            }
            catch (CaptureOpenException)
            {
                // a file-level mutation can leave no capture to read
            }
            finally
            {
                File.Delete(path);
            }
        }
        return compared;
    }
}
