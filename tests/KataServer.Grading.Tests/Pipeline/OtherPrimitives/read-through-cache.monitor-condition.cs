using System;
using System.Collections.Generic;
using System.Threading;

// One monitor guards the table of key states, but loads run outside it. A Get that finds its key
// being loaded waits on the monitor (Wait/PulseAll) until that load ends, then looks again.
// Invalidate waits the same way for a running load to end before it forgets the value, so that
// the load's (possibly old) value is not kept after the Invalidate.
public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private sealed class State
    {
        public bool Loading;
        public bool HasValue;
        public TValue Value = default!;
    }

    private readonly object _gate = new object();
    private readonly Dictionary<TKey, State> _states = new Dictionary<TKey, State>();
    private readonly Func<TKey, TValue> _load;

    public ReadThroughCache(Func<TKey, TValue> load)
    {
        _load = load;
    }

    public TValue Get(TKey key)
    {
        State state;
        lock (_gate)
        {
            if (!_states.TryGetValue(key, out state!))
            {
                state = new State();
                _states.Add(key, state);
            }

            while (state.Loading) Monitor.Wait(_gate);
            if (state.HasValue) return state.Value;
            state.Loading = true;
        }

        bool loaded = false;
        TValue value = default!;
        try
        {
            value = _load(key);
            loaded = true;
            return value;
        }
        finally
        {
            lock (_gate)
            {
                state.Loading = false;
                if (loaded)
                {
                    state.Value = value;
                    state.HasValue = true;
                }
                Monitor.PulseAll(_gate);
            }
        }
    }

    public void Invalidate(TKey key)
    {
        lock (_gate)
        {
            if (_states.TryGetValue(key, out var state))
            {
                while (state.Loading) Monitor.Wait(_gate);
                state.HasValue = false;
                state.Value = default!;
            }
        }
    }
}
