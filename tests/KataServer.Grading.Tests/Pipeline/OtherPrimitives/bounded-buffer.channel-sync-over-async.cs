using System.Threading.Channels;

public sealed class BoundedBuffer<T>
{
    private readonly Channel<T> _channel;

    public BoundedBuffer(int capacity) =>
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    public void Put(T item) => _channel.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();

    public T Take() => _channel.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();

    public int Count => _channel.Reader.Count;
}
