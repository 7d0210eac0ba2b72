using System.Runtime.ExceptionServices;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Threading;

namespace OpenDump.Session;

/// <summary>
/// Decodes bodies and prepares frames on worker threads, a batch of frames at a time, and hands
/// everything to the sink in the order it came, on the calling thread. Batches, rather than frames,
/// cross threads so that the hand-over costs little per frame; a bounded number is in flight, so
/// memory stays flat however large the capture, and when that bound is reached the calling thread
/// decodes a batch itself rather than wait.
/// </summary>
internal sealed class ParallelDelivery : FrameDelivery
{
    // A batch is handed over when it holds this many frames or this many body bytes, whichever first.
    private const int BatchBodyBytes = 1 << 20;
    // How many frames ahead the delivery asks for the frames it hands to the sink (DeliverFinished).
    private const int DeliverAhead = 8;
    // How many frames ahead a decoding thread asks for the frames of its batch (Process).
    private const int ProcessAhead = 2;
    // The cache lines that hold an OpenDFrame (208 bytes, 200 from its address on), asked for when another core wrote it last.
    private const int FrameLines = 4;

    private readonly int _batchFrames;
    private readonly int _maxInFlight;
    private readonly Thread[] _workers;
    private readonly HandOffQueue<Batch> _work = new();
    private readonly Queue<Batch> _inFlight = new();
    private readonly Stack<Batch> _spare = new();
    private Batch _current;
    // What the sink has heard so far: where a second pass takes over when a deferred SHA-1 fails (Sha1Speculation).
    private long _deliveredCalls, _lastDeliveredFrame;

    public ParallelDelivery(IAnalysisSink sink, int threads, int batchFrames, BodyDetail bodies, bool lendPlaintext, bool deferSha1 = false) : base(sink, bodies, lendPlaintext)
    {
        DefersSha1 = deferSha1;
        _batchFrames = Math.Max(1, batchFrames);
        // The calling thread reads, reassembles and decrypts, and helps when the workers fall behind.
        _workers = new Thread[threads - 1];
        _maxInFlight = 4 * threads;
        _current = new Batch();
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"opendump decode {i + 1}" };
            _workers[i].Start();
        }
    }

    // Small, and allocated one after another: the batch the calling thread fills, its counters written for every frame,
    // can share a cache line with one a decoding thread reads. Process reads a batch's fields once, not once a frame. Read
    // in the loop, they made Process itself a tenth of the decoding thread's profile in a slow run of 1 GB stats (323 of
    // 2,740 samples), against 13 of 2,424 in a fast one. Whether objects share a line moves with where they fall: the
    // same build ran 1.46 s from one directory and 1.63 s from another whose name was one letter longer, so no single
    // figure is given for the gain.
    private sealed class Batch
    {
        public Entry[] Entries = new Entry[64];
        public int Count;
        public int Frames;
        public byte[] Bodies = new byte[64 * 1024];
        public int BodiesUsed;
        // No spinning before sleeping: see HandOffQueue.
        public readonly ManualResetEventSlim Done = new(false, spinCount: 0);
        public ExceptionDispatchInfo? Failure;
        // A body handed over unhashed did not match its SHA-1: the batch is never delivered.
        public bool Sha1Failed;

        public ref Entry Add()
        {
            if (Count == Entries.Length) Array.Resize(ref Entries, Count * 2);
            return ref Entries[Count++];
        }

        public void Reset()
        {
            Array.Clear(Entries, 0, Count);
            Count = Frames = BodiesUsed = 0;
            if (Bodies.Length > 4 * BatchBodyBytes) Bodies = new byte[64 * 1024];
            Failure = null;
            Sha1Failed = false;
            Done.Reset();
        }
    }

    private struct Entry
    {
        public OpenDFrame? Frame;
        public Action<IAnalysisSink>? Call;
        public int BodyOffset;
        public int BodyLength;
        public int DiagnosticsAt;
        public bool HasBody;
        public bool Sha1Deferred;
        public BodyCipher? DecryptWith;
    }

    public override bool DefersSha1 { get; }

    public override void OnFrame(OpenDFrame frame, ReadOnlySpan<byte> plain, int diagnosticsAt, bool sha1Deferred = false, BodyCipher? decryptWith = null)
    {
        if (sha1Deferred && !DefersSha1) throw new InvalidOperationException("a body handed over unhashed to a delivery that does not check SHA-1s");
        if (decryptWith is not null && !sha1Deferred) throw new InvalidOperationException("a body handed over encrypted must be checked against its SHA-1 once decrypted");
        var batch = _current;
        if (batch.BodiesUsed + plain.Length > batch.Bodies.Length)
        {
            var size = Math.Max(batch.Bodies.Length * 2, batch.BodiesUsed + plain.Length);
            Array.Resize(ref batch.Bodies, size);
        }
        plain.CopyTo(batch.Bodies.AsSpan(batch.BodiesUsed));
        ref var entry = ref batch.Add();
        entry.Frame = frame;
        entry.HasBody = true;
        entry.Sha1Deferred = sha1Deferred;
        entry.DecryptWith = decryptWith;
        entry.BodyOffset = batch.BodiesUsed;
        entry.BodyLength = plain.Length;
        entry.DiagnosticsAt = diagnosticsAt;
        batch.BodiesUsed += plain.Length;
        batch.Frames++;
        if (batch.Frames >= _batchFrames || batch.BodiesUsed >= BatchBodyBytes) Submit();
    }

    public override void OnFrame(OpenDFrame frame)
    {
        var batch = _current;
        batch.Add().Frame = frame;
        batch.Frames++;
        if (batch.Frames >= _batchFrames) Submit();
    }

    // Everything that is not a frame is rare: a closure each is cheap enough, and keeps its place in the order.
    private void Post(Action<IAnalysisSink> call) => _current.Add().Call = call;

    public override void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) =>
        Post(s => s.OnConnectionDiagnostic(connection, diagnostic, timestampMicros));

    public override void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent) =>
        Post(s => s.OnConnectionEvent(connection, connectionEvent));

    public override void OnCaptureDiagnostic(Diagnostic diagnostic) => Post(s => s.OnCaptureDiagnostic(diagnostic));

    public override void OnComplete(IReadOnlyList<ConnectionSummary> connections)
    {
        Post(s => s.OnComplete(connections));
        Flush();
    }

    public override void Flush()
    {
        Submit();
        while (_inFlight.TryPeek(out var head))
        {
            if (!TryHelp()) head.Done.Wait();
            DeliverFinished();
        }
    }

    private void Submit()
    {
        var batch = _current;
        if (batch.Count == 0) return;
        _current = _spare.Count > 0 ? _spare.Pop() : new Batch();
        _inFlight.Enqueue(batch);
        _work.Add(batch);
        DeliverFinished();
        while (_inFlight.Count > _maxInFlight)
        {
            if (!TryHelp()) _inFlight.Peek().Done.Wait();
            DeliverFinished();
        }
    }

    private bool TryHelp()
    {
        if (!_work.TryTake(out var batch)) return false;
        Process(batch);
        return true;
    }

    /// <summary>Hands the finished batches at the head of the line to the sink, in order.</summary>
    private void DeliverFinished()
    {
        while (_inFlight.TryPeek(out var batch) && batch.Done.IsSet)
        {
            _inFlight.Dequeue();
            batch.Failure?.Throw();
            if (batch.Sha1Failed) throw new DeferredSha1Mismatch(_deliveredCalls, _lastDeliveredFrame);
            var entries = batch.Entries;
            for (var i = 0; i < batch.Count; i++)
            {
                // The frames were last written on a decoding thread, and so was what it rendered for them: asked for a few
                // frames ahead, their lines cross while this one is written (JSON Lines, two threads, interleaved medians
                // of 5, 6 and 8: 3.53 -> 3.42, 3.66 -> 3.52 and 3.35 -> 3.28 s; the timeline 2.44 against 2.48 s, no gain).
                // The whole frame, not its first two lines: a sink reads fields from all of it (stats, 10 interleaved pairs:
                // 1.45 -> 1.415 s).
                if (i + DeliverAhead < batch.Count && entries[i + DeliverAhead].Frame is { } ahead) CacheLines.Prefetch(ahead, lines: FrameLines);
                if (i + DeliverAhead / 2 < batch.Count && entries[i + DeliverAhead / 2].Frame is { Prepared: { } prepared }) CacheLines.Prefetch(prepared);
                ref var entry = ref entries[i];
                if (entry.Call is { } call)
                {
                    call(Sink);
                }
                else
                {
                    Sink.OnFrame(entry.Frame!);
                    _lastDeliveredFrame = entry.Frame!.Number;
                }
            }
            _deliveredCalls += batch.Count;
            batch.Reset();
            _spare.Push(batch);
        }
    }

    private void Process(Batch batch)
    {
        try
        {
            // Read once, not once a frame (see Batch); this object's fields too, for the same reason: it was allocated just
            // after the analyzer, whose counters the calling thread writes for every packet, and may share their cache line.
            var entries = batch.Entries;
            var count = batch.Count;
            var bodies = batch.Bodies;
            var sink = Sink;
            var detail = Bodies;
            var lend = LendPlaintext;
            for (var i = 0; i < count; i++)
            {
                // The frame was built on the framing thread, and each of its lines this thread reads first waits for the
                // other core (about 240 ns on the benchmark VM): asked for a little ahead, they come while the frame before
                // is decoded. With two threads, FrameJson.Write, where rendering first reads the frame's envelope, had
                // twice the samples it had with one (1 GB, two threads, 10 interleaved pairs: JSON Lines 4.31 -> 4.13 s,
                // stats 1.455 -> 1.42 s). The bodies need no asking: a batch's are one array, read in order (asking for them
                // too gained nothing).
                if (i + ProcessAhead < count && entries[i + ProcessAhead].Frame is { } next) CacheLines.Prefetch(next, lines: FrameLines);
                ref var entry = ref entries[i];
                if (entry.Frame is not { } frame) continue;
                var body = bodies.AsSpan(entry.BodyOffset, entry.BodyLength);
                if (entry.Sha1Deferred && !Sha1Speculation.TryConfirm(frame, entry.DecryptWith, ref body))
                {
                    // Nothing from this batch on will be delivered; the rest of it is not worth decoding.
                    batch.Sha1Failed = true;
                    break;
                }
                var lent = entry.HasBody ? Decode(frame, body, entry.DiagnosticsAt, detail, lend) : null;
                sink.PrepareFrame(frame);
                // A frame the sink prepared is rendered: its body goes back now, and the next frame of its length reuses the array.
                if (lent is not null) PlaintextLoans.GiveBack(frame, lent, keep: !frame.HasPrepared);
            }
        }
        catch (Exception e)
        {
            batch.Failure = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            batch.Done.Set();
        }
    }

    private void WorkerLoop()
    {
        while (_work.Take(out var batch)) Process(batch);
    }

    public override void Dispose()
    {
        _work.Close();
        foreach (var worker in _workers) worker.Join();
    }
}
