namespace KataServer.Grading.Sandbox;

/// <summary>Drains one output pipe to the end, keeping at most a fixed number of bytes; never stops reading,
/// so the child never blocks on a full pipe.</summary>
internal sealed class BoundedCapture
{
    private readonly byte[] _kept;
    private int _count;
    private long _total;

    internal BoundedCapture(long maxBytes) => _kept = new byte[(int)Math.Min(maxBytes, int.MaxValue)];

    internal long TotalBytes => Interlocked.Read(ref _total);
    internal bool Truncated => TotalBytes > _count;

    internal async Task DrainAsync(Stream stream, long? floodBytes, Action onFlood)
    {
        var buffer = new byte[64 * 1024];
        bool flooded = false;
        try
        {
            while (true)
            {
                int n = await stream.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0) break;
                int keep = Math.Min(n, _kept.Length - _count);
                if (keep > 0)
                {
                    Buffer.BlockCopy(buffer, 0, _kept, _count, keep);
                    _count += keep;
                }
                long total = Interlocked.Add(ref _total, n);
                if (!flooded && floodBytes is { } limit && total > limit)
                {
                    flooded = true;
                    onFlood();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The pipe was closed under us after the child ended; what we have is the result.
        }
    }

    /// <summary>The kept bytes as UTF-8 (a code point cut at the limit becomes U+FFFD).</summary>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(_kept, 0, _count);
}
