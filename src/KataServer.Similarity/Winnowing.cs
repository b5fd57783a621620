namespace KataServer.Similarity;

/// <summary>A selected k-gram: its hash and the index of its first token.</summary>
public readonly record struct Fingerprint(ulong Hash, int Position);

/// <summary>
/// Winnowing (Schleimer, Wilkerson and Aiken, "Winnowing: Local Algorithms for Document Fingerprinting", SIGMOD 2003,
/// the algorithm of MOSS): hash every k-gram of tokens, then from every window of <c>w</c> consecutive hashes keep the
/// smallest (the rightmost on ties), each selected position once. Any shared run of at least <c>w + k - 1</c> tokens
/// is guaranteed to share a fingerprint; runs shorter than <c>k</c> never do (noise).
/// </summary>
public static class Winnowing
{
    public static ulong[] KGramHashes(IReadOnlyList<NormalisedToken> tokens, int k)
    {
        if (tokens.Count < k) return [];
        var tokenHashes = tokens.Select(t => Fnv1a(t.Text)).ToArray();
        var hashes = new ulong[tokens.Count - k + 1];
        for (var i = 0; i < hashes.Length; i++)
        {
            var h = 1469598103934665603UL;
            for (var j = 0; j < k; j++) h = (h ^ tokenHashes[i + j]) * 1099511628211UL;
            hashes[i] = Mix(h);
        }

        return hashes;
    }

    public static IReadOnlyList<Fingerprint> Select(ulong[] hashes, int w)
    {
        var selected = new List<Fingerprint>();
        if (hashes.Length == 0) return selected;
        if (hashes.Length <= w) w = hashes.Length;
        var last = -1;
        for (var start = 0; start + w <= hashes.Length; start++)
        {
            var min = start;
            for (var i = start + 1; i < start + w; i++)
            {
                if (hashes[i] <= hashes[min]) min = i;
            }

            if (min != last)
            {
                selected.Add(new Fingerprint(hashes[min], min));
                last = min;
            }
        }

        return selected;
    }

    private static ulong Fnv1a(string text)
    {
        var h = 1469598103934665603UL;
        foreach (var c in text) h = (h ^ c) * 1099511628211UL;
        return h;
    }

    // A final avalanche so that the minimum of a window is not biased towards particular token texts.
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        return h ^ (h >> 33);
    }
}
