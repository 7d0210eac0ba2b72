using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Google.Protobuf.Reflection;

namespace OpenDump.Decoding;

/// <summary>
/// What <see cref="BodyDecoder.Decode"/> (protobuf) and <c>FrameBodies.ReadResult</c> would say about a body,
/// found from the wire bytes alone. When <see cref="Valid"/> is false nothing else is set.
/// </summary>
public readonly struct WireVerdict
{
    private readonly int _retType, _errCode, _retMsgOffset, _retMsgLength;
    private readonly byte _flags;

    private const byte FlagValid = 1, FlagMissing = 2, FlagRetType = 4, FlagErrCode = 8, FlagRetMsg = 16, FlagMerges = 32;

    internal WireVerdict(bool valid, bool missing, bool hasRetType, int retType, bool hasErrCode, int errCode, bool hasRetMsg, int retMsgOffset, int retMsgLength, bool merges = false)
    {
        _flags = (byte)((valid ? FlagValid : 0) | (missing ? FlagMissing : 0) | (hasRetType ? FlagRetType : 0) | (hasErrCode ? FlagErrCode : 0) | (hasRetMsg ? FlagRetMsg : 0) | (merges ? FlagMerges : 0));
        _retType = retType;
        _errCode = errCode;
        _retMsgOffset = retMsgOffset;
        _retMsgLength = retMsgLength;
    }

    /// <summary>Whether a fresh instance's MergeFrom of the body would succeed (no InvalidProtocolBufferException).</summary>
    public bool Valid => (_flags & FlagValid) != 0;

    /// <summary>Whether BodyDecoder would report a non-empty MissingRequired list.</summary>
    public bool MissingRequired => (_flags & FlagMissing) != 0;

    /// <summary>
    /// Whether a singular message field that can hold a required field may occur more than once in one message of the
    /// body (the message then holds their merge). False means each occurs at most once (it is never false when one does).
    /// </summary>
    public bool MayMerge => (_flags & FlagMerges) != 0;

    /// <summary>The top-level retType field's value when it is present (last occurrence wins), as ReadResult reads it.</summary>
    public int? RetType => (_flags & FlagRetType) != 0 ? _retType : null;

    /// <summary>The top-level errCode field's value when it is present.</summary>
    public int? ErrCode => (_flags & FlagErrCode) != 0 ? _errCode : null;

    /// <summary>Whether the top-level retMsg field is present; its UTF-8 bytes are <see cref="RetMsgOffset"/>/<see cref="RetMsgLength"/> in the body.</summary>
    public bool HasRetMsg => (_flags & FlagRetMsg) != 0;

    public int RetMsgOffset => HasRetMsg ? _retMsgOffset : -1;

    public int RetMsgLength => HasRetMsg ? _retMsgLength : 0;

    /// <summary>The retMsg string exactly as Google.Protobuf decodes it (null when absent); <paramref name="body"/> is the checked body.</summary>
    public string? RetMsg(ReadOnlySpan<byte> body) => HasRetMsg ? WireCheck.DecodeString(body.Slice(_retMsgOffset, _retMsgLength)) : null;

    public override string ToString() =>
        Valid ? $"valid, missing={MissingRequired}, retType={RetType?.ToString() ?? "-"}, errCode={ErrCode?.ToString() ?? "-"}, retMsg={(HasRetMsg ? $"@{_retMsgOffset}+{_retMsgLength}" : "-")}" : "invalid";
}

/// <summary>
/// Checks a protobuf body against its message type without building any object: whether Google.Protobuf 3.36's
/// generated MergeFrom would accept it, whether BodyDecoder would find a proto2 required field missing, and the
/// retType/retMsg/errCode of a reply. The rules it mirrors (each has a test in WireCheckTests):
/// <list type="bullet">
/// <item>A tag is a varint of at most 10 bytes whose low 32 bits are kept; field number 0 is an error.</item>
/// <item>A known field is recognised by its whole tag: arriving with another wire type it is an unknown field.
/// Repeated numeric fields accept both the unpacked tag and the packed (length-delimited) one.</item>
/// <item>Unknown fields are read by wire type: wire types 6 and 7 are errors; an end-group tag outside a group is an error;
/// a group must end with the end-group tag of its own field number.</item>
/// <item>Varints (values, lengths) are at most 10 bytes; lengths keep their low 32 bits as an int. A negative length is an
/// error, except for a packed repeated field, which then reads as empty. Anything past the end of its enclosing message is
/// an error; a packed fixed32/fixed64 run must be a whole number of elements.</item>
/// <item>Strings must be valid UTF-8 (3.36 throws InvalidProtocolBufferException on invalid UTF-8; bytes fields are not checked).</item>
/// <item>Messages and groups nest at most 100 deep (CodedInputStream's default recursion limit) below the top-level message.</item>
/// <item>Enum values outside the enum are kept, not errors.</item>
/// <item>Required fields: as BodyDecoder walks (message fields only, to depth 32), a singular message field that occurs more
/// than once is the merge of its occurrences; a required field present only with a wrong wire type is missing.</item>
/// </list>
/// Map and group fields are not supported (the OpenD schemas have neither): <see cref="Check"/> throws NotSupportedException.
/// </summary>
public static class WireCheck
{
    /// <summary>CodedInputStream/ParseContext's default recursion limit.</summary>
    public const int RecursionLimit = 100;

    /// <summary>BodyDecoder's required-field walk stops below this depth (the top-level message is depth 0).</summary>
    public const int RequiredCheckDepth = 32;

    // Same settings as Google.Protobuf's ParsingPrimitives: invalid bytes throw.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The string Google.Protobuf makes of valid UTF-8 field bytes.</summary>
    public static string DecodeString(ReadOnlySpan<byte> utf8) => utf8.IsEmpty ? string.Empty : StrictUtf8.GetString(utf8);

    public static bool IsSupported(MessageDescriptor descriptor) => PlanFor(descriptor).Supported;

    public static WireVerdict Check(MessageDescriptor descriptor, ReadOnlySpan<byte> body)
    {
        var plan = PlanFor(descriptor);
        if (!plan.Supported) throw new NotSupportedException($"{descriptor.FullName} reaches a map or group field, which WireCheck does not read");
        var state = new ScanState();
        if (ReadMessage(plan, body, 0, body.Length, 0, ref state) < 0) return default;
        var missing = state.Missing;
        if (state.NeedsMerge) missing = MissingMerged(plan, body, [(0, body.Length)], 0);
        return new WireVerdict(true, missing, state.HasRetType, state.RetType, state.HasErrCode, state.ErrCode, state.HasRetMsg, state.RetMsgOffset, state.RetMsgLength, state.NeedsMerge);
    }

    private struct ScanState
    {
        public bool Missing, NeedsMerge, HasRetType, HasErrCode, HasRetMsg;
        public int RetType, ErrCode, RetMsgOffset, RetMsgLength;
    }

    // ---- for a walker that reads bodies its own way ----

    /// <summary>
    /// How a field counts toward the verdict: its bit among its message's required fields, and which top-level result
    /// field it is (0: none). For a walker that reads bodies its own way and takes only the canonical form (each field
    /// once, with its own wire type; Output/ProtobufWireJson): counting each field it takes with <see cref="VerdictBuilder"/>
    /// gives the verdict <see cref="Check"/> gives for such a body.
    /// </summary>
    internal readonly record struct FieldRole(ulong RequiredBit, byte Result);

    internal static FieldRole RoleOf(MessageDescriptor message, int fieldNumber)
    {
        ref readonly var e = ref PlanFor(message).Find((uint)fieldNumber);
        return new FieldRole(e.RequiredBit, e.OnWireType >= Action.RetTypeVarint ? (byte)e.OnWireType : (byte)0);
    }

    internal static ulong RequiredMaskOf(MessageDescriptor message) => PlanFor(message).RequiredMask;

    /// <summary>The verdict of a canonical body, built as another walker takes its fields (see <see cref="FieldRole"/>).</summary>
    internal struct VerdictBuilder
    {
        private ScanState _state;

        /// <summary>At the end of a message at <paramref name="depth"/>: the required fields its fields' roles added up to.</summary>
        public void EndMessage(ulong required, ulong requiredMask, int depth)
        {
            if ((required & requiredMask) != requiredMask && depth <= RequiredCheckDepth) _state.Missing = true;
        }

        /// <summary>A top-level result field whose value starts at <paramref name="valueAt"/> in <paramref name="body"/>.</summary>
        public bool ReadResult(byte result, ReadOnlySpan<byte> body, int valueAt) =>
            ReadResultField((Action)result, body, ref valueAt, body.Length, 0, ref _state);

        public readonly WireVerdict Verdict =>
            new(true, _state.Missing, _state.HasRetType, _state.RetType, _state.HasErrCode, _state.ErrCode, _state.HasRetMsg, _state.RetMsgOffset, _state.RetMsgLength);
    }

    // ---- the plan: per message type, what each field number accepts ----

    private enum Action : byte
    {
        Unknown,
        Varint,
        Fixed32,
        Fixed64,
        String,
        Bytes,
        Message,
        PackedVarint,
        PackedFixed32,
        PackedFixed64,
        // The result actions come last (RoleOf tells them by that).
        RetTypeVarint, // the top-level int32 result fields: captured at depth 0
        ErrCodeVarint,
        RetTypeZigZag,
        ErrCodeZigZag,
        RetTypeFixed32,
        ErrCodeFixed32,
        RetMsgString,
    }

    private struct Entry
    {
        public Action OnWireType;   // the action when the tag carries WireType
        public Action OnPacked;     // for packable repeated fields: the action for wire type 2
        public byte WireType;
        public bool Repeated;
        public short Oneof;         // oneof index, -1 when none
        public ulong RequiredBit;   // 0 unless required
        public ulong SlotBit;       // non-zero for fields whose repetition needs the merge walk
        public Plan? Sub;
    }

    private sealed class Plan(MessageDescriptor descriptor)
    {
        public readonly MessageDescriptor Descriptor = descriptor;
        public Entry[] ByNumber = [];                   // indexed by field number, for numbers below ByNumber.Length
        public Dictionary<int, int>? FarIndex;         // larger field numbers: index into FarEntries
        public Entry[] FarEntries = [];
        public ulong RequiredMask;
        public bool CanHoldRequired;
        public bool Supported = true;
        public int[][] OneofMembers = [];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref readonly Entry Find(uint number)
        {
            if (number < (uint)ByNumber.Length) return ref ByNumber[number];
            return ref FindFar(number);
        }

        private ref readonly Entry FindFar(uint number)
        {
            if (FarIndex is not null && number <= int.MaxValue && FarIndex.TryGetValue((int)number, out var i)) return ref FarEntries[i];
            return ref NoEntry;
        }
    }

    private static Entry NoEntry = new() { Oneof = -1 };

    private static readonly ConcurrentDictionary<MessageDescriptor, Plan> Plans = new();
    private static readonly Lock BuildLock = new();
    // One per thread: a shared slot written on every call by two decoding threads moved its cache line between
    // their cores (JSON Lines' profile samples in this method, two threads: 148 with the shared slot, 87 with these;
    // one thread: 11).
    [ThreadStatic] private static Plan? t_last;

    private static Plan PlanFor(MessageDescriptor descriptor)
    {
        var last = t_last;
        if (last is not null && ReferenceEquals(last.Descriptor, descriptor)) return last;
        if (!Plans.TryGetValue(descriptor, out var plan)) plan = Build(descriptor);
        t_last = plan;
        return plan;
    }

    /// <summary>Plans every type reachable from <paramref name="root"/> at once (types may refer to each other), then publishes them.</summary>
    private static Plan Build(MessageDescriptor root)
    {
        lock (BuildLock)
        {
            if (Plans.TryGetValue(root, out var done)) return done;
            var plans = new Dictionary<MessageDescriptor, Plan>();
            var pending = new Stack<MessageDescriptor>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                var d = pending.Pop();
                if (plans.ContainsKey(d) || Plans.ContainsKey(d)) continue;
                plans.Add(d, new Plan(d));
                foreach (var f in d.Fields.InDeclarationOrder())
                    if (f.FieldType is FieldType.Message or FieldType.Group) pending.Push(f.MessageType);
            }
            Plan Get(MessageDescriptor d) => plans.TryGetValue(d, out var p) ? p : Plans[d];

            // Which types can hold a required field, as BodyDecoder decides it: message (not map, not group) fields only.
            foreach (var p in plans.Values) p.CanHoldRequired = p.Descriptor.Fields.InDeclarationOrder().Any(f => f.IsRequired);
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var p in plans.Values)
                {
                    if (p.CanHoldRequired) continue;
                    if (p.Descriptor.Fields.InDeclarationOrder().Any(f => f.FieldType == FieldType.Message && !f.IsMap && Get(f.MessageType).CanHoldRequired))
                        changed = p.CanHoldRequired = true;
                }
            }

            foreach (var p in plans.Values) Fill(p, Get);
            // Support is transitive.
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var p in plans.Values)
                {
                    if (!p.Supported) continue;
                    if (p.Descriptor.Fields.InDeclarationOrder().Any(f => f.FieldType == FieldType.Message && !Get(f.MessageType).Supported))
                    {
                        p.Supported = false;
                        changed = true;
                    }
                }
            }
            foreach (var (d, p) in plans) Plans.TryAdd(d, p);
            return Plans[root];
        }
    }

    private static void Fill(Plan plan, Func<MessageDescriptor, Plan> get)
    {
        var d = plan.Descriptor;
        var fields = d.Fields.InDeclarationOrder();
        var maxDirect = fields.Count == 0 ? 0 : fields.Max(f => f.FieldNumber);
        if (maxDirect > 1024) maxDirect = 1024;
        var byNumber = new Entry[maxDirect + 1];
        for (var i = 0; i < byNumber.Length; i++) byNumber[i] = NoEntry;
        var far = new List<(int Number, Entry Entry)>();

        var requiredIndex = 0;
        var slotIndex = 0;
        // Oneofs whose members share one slot: any that holds a message member which can hold a required field.
        var oneofSlots = new Dictionary<int, ulong>();
        ulong NextSlot() => slotIndex < 63 ? 1UL << slotIndex++ : 1UL << 63; // past 63, slots share a bit: more merge walks, never fewer
        plan.OneofMembers = d.Oneofs.Select(o => o.Fields.Select(f => f.FieldNumber).ToArray()).ToArray();

        foreach (var f in fields)
        {
            var e = new Entry { Oneof = (short)(f.RealContainingOneof?.Index ?? -1) };
            if (f.IsMap || f.FieldType == FieldType.Group)
            {
                plan.Supported = false;
                continue;
            }
            if (f.IsRequired)
            {
                // BodyDecoder finds these through the accessor's HasValue: set by any occurrence with the right wire type.
                if (requiredIndex >= 64) throw new NotSupportedException($"{d.FullName} has more than 64 required fields");
                e.RequiredBit = 1UL << requiredIndex++;
            }
            e.Repeated = f.IsRepeated;
            switch (f.FieldType)
            {
                case FieldType.Int32 or FieldType.Int64 or FieldType.UInt32 or FieldType.UInt64 or FieldType.SInt32 or FieldType.SInt64 or FieldType.Bool or FieldType.Enum:
                    e.WireType = 0;
                    e.OnWireType = Action.Varint;
                    e.OnPacked = Action.PackedVarint;
                    break;
                case FieldType.Fixed32 or FieldType.SFixed32 or FieldType.Float:
                    e.WireType = 5;
                    e.OnWireType = Action.Fixed32;
                    e.OnPacked = Action.PackedFixed32;
                    break;
                case FieldType.Fixed64 or FieldType.SFixed64 or FieldType.Double:
                    e.WireType = 1;
                    e.OnWireType = Action.Fixed64;
                    e.OnPacked = Action.PackedFixed64;
                    break;
                case FieldType.String:
                    e.WireType = 2;
                    e.OnWireType = Action.String;
                    break;
                case FieldType.Bytes:
                    e.WireType = 2;
                    e.OnWireType = Action.Bytes;
                    break;
                case FieldType.Message:
                    e.WireType = 2;
                    e.OnWireType = Action.Message;
                    e.Sub = get(f.MessageType);
                    break;
            }
            if (!f.IsRepeated) e.OnPacked = Action.Unknown;

            // The top-level result fields FrameBodies.ReadResult reads, when they have a type it can read as int / string.
            if (!f.IsRepeated && f.Name is "retType" or "errCode")
            {
                var isRetType = f.Name == "retType";
                e.OnWireType = f.FieldType switch
                {
                    FieldType.Int32 or FieldType.Enum => isRetType ? Action.RetTypeVarint : Action.ErrCodeVarint,
                    FieldType.SInt32 => isRetType ? Action.RetTypeZigZag : Action.ErrCodeZigZag,
                    FieldType.SFixed32 => isRetType ? Action.RetTypeFixed32 : Action.ErrCodeFixed32,
                    _ => e.OnWireType,
                };
            }
            if (!f.IsRepeated && f.Name == "retMsg" && f.FieldType == FieldType.String) e.OnWireType = Action.RetMsgString;

            // Slots for the cheap duplicate check: singular message fields that can hold a required field, and every member of
            // a oneof holding such a field (any second member clears the first).
            if (f.FieldType == FieldType.Message && !f.IsRepeated && e.Sub!.CanHoldRequired)
            {
                if (e.Oneof >= 0)
                {
                    if (!oneofSlots.ContainsKey(e.Oneof)) oneofSlots[e.Oneof] = NextSlot();
                }
                else
                {
                    e.SlotBit = NextSlot();
                }
            }

            if (f.FieldNumber < byNumber.Length) byNumber[f.FieldNumber] = e;
            else far.Add((f.FieldNumber, e));
        }
        plan.RequiredMask = requiredIndex == 64 ? ulong.MaxValue : (1UL << requiredIndex) - 1;

        // Second pass: oneof members share their oneof's slot.
        foreach (var f in fields)
        {
            var oneof = f.RealContainingOneof?.Index ?? -1;
            if (oneof < 0 || !oneofSlots.TryGetValue(oneof, out var slot)) continue;
            if (f.FieldNumber < byNumber.Length) byNumber[f.FieldNumber].SlotBit = slot;
            else
            {
                var i = far.FindIndex(x => x.Number == f.FieldNumber);
                far[i] = (f.FieldNumber, far[i].Entry with { SlotBit = slot });
            }
        }
        plan.ByNumber = byNumber;
        if (far.Count > 0)
        {
            plan.FarEntries = far.Select(x => x.Entry).ToArray();
            plan.FarIndex = far.Select((x, i) => (x.Number, i)).ToDictionary(x => x.Number, x => x.i);
        }
    }

    // ---- the scan ----

    /// <summary>
    /// Reads one message's fields from pos to end: end, or -1 when MergeFrom would throw. The position is a local, not a
    /// ref, so that it stays in a register: through a ref it was stored and loaded again at every field.
    /// </summary>
    private static int ReadMessage(Plan plan, ReadOnlySpan<byte> buf, int pos, int end, int depth, ref ScanState state)
    {
        ulong required = 0, slots = 0;
        while (pos < end)
        {
            uint tag = buf[pos];
            if (tag < 0x80) pos++;
            else if (!ReadVarint32(buf, ref pos, end, out tag)) return -1;
            if (tag < 8) return -1; // field number 0: "invalid tag (zero)"

            ref readonly var e = ref plan.Find(tag >> 3);
            var wt = tag & 7;
            var action = wt == e.WireType ? e.OnWireType : wt == 2 ? e.OnPacked : Action.Unknown;
            switch (action)
            {
                case Action.Unknown:
                {
                    var at = pos;
                    if (!SkipUnknown(tag, buf, ref at, end, depth)) return -1;
                    pos = at;
                    continue; // nothing about the field is set
                }
                case Action.Varint:
                    if (!SkipVarint(buf, ref pos, end)) return -1;
                    break;
                case Action.Fixed32:
                    if (end - pos < 4) return -1;
                    pos += 4;
                    break;
                case Action.Fixed64:
                    if (end - pos < 8) return -1;
                    pos += 8;
                    break;
                case Action.String:
                {
                    if (!ReadLength(buf, ref pos, end, out var length) || !RawProtobuf.IsValidUtf8(buf, pos, length)) return -1;
                    pos += length;
                    break;
                }
                case Action.Bytes:
                {
                    if (!ReadLength(buf, ref pos, end, out var length)) return -1;
                    pos += length;
                    break;
                }
                case Action.Message:
                {
                    if (!ReadLength(buf, ref pos, end, out var length)) return -1;
                    if (depth >= RecursionLimit) return -1;
                    pos = ReadMessage(e.Sub!, buf, pos, pos + length, depth + 1, ref state);
                    if (pos < 0) return -1;
                    break;
                }
                case Action.PackedVarint:
                case Action.PackedFixed32:
                case Action.PackedFixed64:
                {
                    // RepeatedField.AddEntriesFrom: a length that is not positive (negative included) is an empty run.
                    if (!ReadVarint32(buf, ref pos, end, out var raw)) return -1;
                    var length = (int)raw;
                    if (length <= 0) break;
                    if (length > end - pos) return -1;
                    var limit = pos + length;
                    if (action == Action.PackedVarint)
                    {
                        while (pos < limit)
                            if (!SkipVarint(buf, ref pos, limit)) return -1;
                    }
                    else
                    {
                        if (length % (action == Action.PackedFixed32 ? 4 : 8) != 0) return -1;
                        pos = limit;
                    }
                    break;
                }
                default:
                {
                    var at = pos;
                    if (!ReadResultField(action, buf, ref at, end, depth, ref state)) return -1;
                    pos = at;
                    break;
                }
            }
            required |= e.RequiredBit;
            var slot = e.SlotBit;
            if ((slots & slot) != 0) state.NeedsMerge = true;
            slots |= slot;
        }
        if ((required & plan.RequiredMask) != plan.RequiredMask && depth <= RequiredCheckDepth) state.Missing = true;
        return pos;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ReadResultField(Action action, ReadOnlySpan<byte> buf, ref int pos, int end, int depth, ref ScanState state)
    {
        int value;
        switch (action)
        {
            case Action.RetTypeVarint or Action.ErrCodeVarint or Action.RetTypeZigZag or Action.ErrCodeZigZag:
                if (!ReadVarint32(buf, ref pos, end, out var raw)) return false;
                value = action is Action.RetTypeZigZag or Action.ErrCodeZigZag ? (int)(raw >> 1) ^ -(int)(raw & 1) : (int)raw;
                break;
            case Action.RetTypeFixed32 or Action.ErrCodeFixed32:
                if (end - pos < 4) return false;
                value = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(buf.Slice(pos, 4));
                pos += 4;
                break;
            case Action.RetMsgString:
            {
                if (!ReadLength(buf, ref pos, end, out var length)) return false;
                if (!RawProtobuf.IsValidUtf8(buf, pos, length)) return false;
                if (depth == 0)
                {
                    state.HasRetMsg = true;
                    state.RetMsgOffset = pos;
                    state.RetMsgLength = length;
                }
                pos += length;
                return true;
            }
            default:
                throw new InvalidOperationException(action.ToString());
        }
        if (depth != 0) return true;
        if (action is Action.RetTypeVarint or Action.RetTypeZigZag or Action.RetTypeFixed32)
        {
            state.HasRetType = true;
            state.RetType = value;
        }
        else
        {
            state.HasErrCode = true;
            state.ErrCode = value;
        }
        return true;
    }

    /// <summary>UnknownFieldSet.MergeFieldFrom for a tag the message does not know.</summary>
    private static bool SkipUnknown(uint tag, ReadOnlySpan<byte> buf, ref int pos, int end, int depth)
    {
        switch (tag & 7)
        {
            case 0:
                return SkipVarint(buf, ref pos, end);
            case 1:
                if (end - pos < 8) return false;
                pos += 8;
                return true;
            case 2:
            {
                if (!ReadLength(buf, ref pos, end, out var length)) return false;
                pos += length;
                return true;
            }
            case 3:
                if (depth >= RecursionLimit) return false;
                return SkipGroup((tag & ~7u) | 4, buf, ref pos, end, depth + 1);
            case 5:
                if (end - pos < 4) return false;
                pos += 4;
                return true;
            default:
                return false; // 4: end-group with no group open; 6, 7: invalid wire types
        }
    }

    /// <summary>An unknown group's fields up to an end-group tag, which must be <paramref name="endTag"/>.</summary>
    private static bool SkipGroup(uint endTag, ReadOnlySpan<byte> buf, ref int pos, int end, int depth)
    {
        while (pos < end)
        {
            if (!ReadVarint32(buf, ref pos, end, out var tag)) return false;
            if (tag < 8) return false;
            if ((tag & 7) == 4) return tag == endTag;
            if (!SkipUnknown(tag, buf, ref pos, end, depth)) return false;
        }
        return false; // the message (or input) ended inside the group
    }

    /// <summary>A length prefix: a 32-bit varint read as int; negative or past the end is an error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadLength(ReadOnlySpan<byte> buf, ref int pos, int end, out int length)
    {
        if (pos < end && buf[pos] < 0x80)
        {
            length = buf[pos++];
        }
        else
        {
            if (!ReadVarint32(buf, ref pos, end, out var raw)) { length = 0; return false; }
            length = (int)raw;
            if (length < 0) return false;
        }
        return length <= end - pos;
    }

    /// <summary>A varint of at most 10 bytes, its low 32 bits kept (ParseRawVarint32), within <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadVarint32(ReadOnlySpan<byte> buf, ref int pos, int end, out uint value)
    {
        if (pos < end)
        {
            var b = buf[pos];
            if (b < 0x80)
            {
                pos++;
                value = b;
                return true;
            }
            // Two bytes: the tags of field numbers 16 and up, lengths up to 16 KiB.
            if (end - pos >= 2 && buf[pos + 1] < 0x80)
            {
                value = (b & 0x7Fu) | (uint)buf[pos + 1] << 7;
                pos += 2;
                return true;
            }
        }
        var ok = RawProtobuf.TryVarint(buf, ref pos, end, out var v);
        value = (uint)v;
        return ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SkipVarint(ReadOnlySpan<byte> buf, ref int pos, int end)
    {
        if (pos < end && buf[pos] < 0x80)
        {
            pos++;
            return true;
        }
        return RawProtobuf.TrySkipVarint(buf, ref pos, end);
    }

    // ---- the exact required-field walk when a singular message field occurs more than once ----

    /// <summary>
    /// Whether the logical message made of <paramref name="ranges"/> (one occurrence per range, merged in order as
    /// MergeFrom does) has a required field missing at any depth BodyDecoder checks. The body is known to be valid.
    /// Allocates; only used when the cheap scan saw a repeated singular message field.
    /// </summary>
    private static bool MissingMerged(Plan plan, ReadOnlySpan<byte> buf, List<(int Start, int End)> ranges, int depth)
    {
        if (depth > RequiredCheckDepth) return false;
        ulong required = 0;
        // Occurrences of each singular message field, in order; a oneof member drops the other members' occurrences.
        Dictionary<int, (Plan Sub, List<(int, int)> Ranges)>? singular = null;
        foreach (var (start, end) in ranges)
        {
            var pos = start;
            while (pos < end)
            {
                ReadVarint32(buf, ref pos, end, out var tag);
                var number = tag >> 3;
                ref readonly var e = ref plan.Find(number);
                var wt = tag & 7;
                var action = wt == e.WireType ? e.OnWireType : wt == 2 ? e.OnPacked : Action.Unknown;
                if (action == Action.Unknown)
                {
                    SkipUnknown(tag, buf, ref pos, end, 0);
                    continue;
                }
                if (e.Oneof >= 0 && singular is not null)
                    foreach (var other in plan.OneofMembers[e.Oneof])
                        if (other != (int)number) singular.Remove(other);
                if (action == Action.Message)
                {
                    ReadLength(buf, ref pos, end, out var length);
                    var range = (pos, pos + length);
                    pos += length;
                    if (e.Repeated)
                    {
                        if (MissingMerged(e.Sub!, buf, [range], depth + 1)) return true;
                    }
                    else
                    {
                        singular ??= [];
                        if (!singular.TryGetValue((int)number, out var list)) singular[(int)number] = list = (e.Sub!, []);
                        list.Ranges.Add(range);
                    }
                }
                else
                {
                    SkipKnown(action, buf, ref pos, end);
                }
                required |= e.RequiredBit;
            }
        }
        if ((required & plan.RequiredMask) != plan.RequiredMask) return true;
        if (singular is not null)
            foreach (var (sub, list) in singular.Values)
                if (MissingMerged(sub, buf, list, depth + 1)) return true;
        return false;
    }

    private static void SkipKnown(Action action, ReadOnlySpan<byte> buf, ref int pos, int end)
    {
        switch (action)
        {
            case Action.Varint or Action.RetTypeVarint or Action.ErrCodeVarint or Action.RetTypeZigZag or Action.ErrCodeZigZag:
                SkipVarint(buf, ref pos, end);
                break;
            case Action.Fixed32 or Action.RetTypeFixed32 or Action.ErrCodeFixed32:
                pos += 4;
                break;
            case Action.Fixed64:
                pos += 8;
                break;
            case Action.String or Action.Bytes or Action.RetMsgString:
            {
                ReadLength(buf, ref pos, end, out var length);
                pos += length;
                break;
            }
            default: // packed
            {
                ReadVarint32(buf, ref pos, end, out var raw);
                if ((int)raw > 0) pos += (int)raw;
                break;
            }
        }
    }
}
