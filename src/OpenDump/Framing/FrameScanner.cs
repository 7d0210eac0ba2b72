namespace OpenDump.Framing;

public enum ScanStatus
{
    /// <summary>A whole frame (header and body) is at the start of the buffer.</summary>
    Frame,
    /// <summary>More bytes are needed; nothing is consumed.</summary>
    NeedMore,
    /// <summary>The bytes at the start are not a valid header; the caller must resynchronise.</summary>
    Invalid,
}

/// <summary>
/// The fixed-header-then-length PDU contract: looks at the start of a buffer and says
/// "a frame of N bytes", "need M more" or "not a header". Never throws on short input.
/// </summary>
public static class FrameScanner
{
    public static ScanStatus Scan(ReadOnlySpan<byte> buffer, uint maxBodyLen, out FrameHeader header, out int frameLength, out HeaderProblem problem)
    {
        header = default;
        frameLength = 0;
        problem = HeaderProblem.None;
        if (buffer.Length < FrameHeader.Size)
        {
            // Judge the magic early so garbage is not held back waiting for 44 bytes.
            if (buffer.Length >= 1 && buffer[0] != FrameHeader.Magic0 || buffer.Length >= 2 && buffer[1] != FrameHeader.Magic1)
            {
                problem = HeaderProblem.BadMagic;
                return ScanStatus.Invalid;
            }
            frameLength = FrameHeader.Size;
            return ScanStatus.NeedMore;
        }

        problem = FrameHeader.Validate(buffer, maxBodyLen);
        if (problem != HeaderProblem.None) return ScanStatus.Invalid;
        header = FrameHeader.Read(buffer);
        frameLength = FrameHeader.Size + (int)header.BodyLen;
        return buffer.Length >= frameLength ? ScanStatus.Frame : ScanStatus.NeedMore;
    }

    /// <summary>
    /// Finds the next offset (after the first byte) where a header plausibly starts (see
    /// <see cref="FrameHeader.IsPlausibleResyncPoint"/>). Returns -1 if none; a candidate too close
    /// to the end to be judged whole counts as found so the caller can wait for more bytes.
    /// </summary>
    public static int FindNextHeader(ReadOnlySpan<byte> buffer, uint maxBodyLen, int from = 1)
    {
        for (var i = Math.Max(from, 0); i < buffer.Length; i++)
        {
            var rel = buffer[i..].IndexOf(FrameHeader.Magic0);
            if (rel < 0) return -1;
            i += rel;
            var rest = buffer[i..];
            if (rest.Length < FrameHeader.Size)
            {
                if (rest.Length == 1 || rest[1] == FrameHeader.Magic1) return i;
                continue;
            }
            if (FrameHeader.IsPlausibleResyncPoint(rest, maxBodyLen)) return i;
        }
        return -1;
    }
}
