namespace OpenDump.Threading;

/// <summary>
/// A queue between the pipeline's threads whose waits sleep at once instead of spinning first.
/// The pipeline runs more threads than a small machine has cores (reading, decoding, writing, the
/// JIT), so a thread spinning for work takes the core from the thread that would produce it:
/// SemaphoreSlim and BlockingCollection spun (sched_yield, Sleep(1)) for a third of the decoding
/// thread's time on two cores.
/// </summary>
internal sealed class HandOffQueue<T>(int capacity = int.MaxValue)
{
    private readonly Queue<T> _items = new();
    private bool _closed;

    /// <summary>Waits while the queue is full; false once it is closed (the item is not added).</summary>
    public bool Add(T item)
    {
        lock (_items)
        {
            while (_items.Count >= capacity && !_closed) Monitor.Wait(_items);
            if (_closed) return false;
            _items.Enqueue(item);
            Monitor.PulseAll(_items);
            return true;
        }
    }

    public bool TryTake(out T item)
    {
        lock (_items)
        {
            if (!_items.TryDequeue(out item!)) return false;
            Monitor.PulseAll(_items);
            return true;
        }
    }

    /// <summary>Waits for an item; false when the queue is closed and empty.</summary>
    public bool Take(out T item)
    {
        lock (_items)
        {
            while (_items.Count == 0 && !_closed) Monitor.Wait(_items);
            if (!_items.TryDequeue(out item!)) return false;
            Monitor.PulseAll(_items);
            return true;
        }
    }

    /// <summary>No more items: takers drain what is left, then get false; adders get false at once.</summary>
    public void Close()
    {
        lock (_items)
        {
            _closed = true;
            Monitor.PulseAll(_items);
        }
    }
}
