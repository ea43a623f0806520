namespace Analytics.Ingest.Lake.Dedupe;

/// <summary>
/// A set of 128-bit hashes in one array of slots, open addressing with linear probing: 16 bytes a slot, kept
/// at most three quarters full, so 21 to 43 bytes an id. <see cref="HashSet{T}"/> of <see cref="UInt128"/>
/// takes about 77 (a 32-byte entry, a bucket, and room to grow): the dedupe index's million ids were 87 MB of
/// a run's heap. The values are uniform hashes already, so their low bits pick the slot.
/// </summary>
internal sealed class HashSet128
{
    private UInt128[] _slots = new UInt128[16];
    private int _count; // values in _slots; zero, which marks an empty slot, is held apart
    private bool _hasZero;

    /// <summary>How many values the set holds.</summary>
    public int Count => _count + (_hasZero ? 1 : 0);

    /// <summary>Adds <paramref name="value"/>; false when the set already holds it.</summary>
    public bool Add(UInt128 value)
    {
        if (value == UInt128.Zero)
        {
            if (_hasZero) return false;
            return _hasZero = true;
        }
        if ((_count + 1) * 4L > _slots.Length * 3L) Grow();
        if (!Insert(_slots, value)) return false;
        _count++;
        return true;
    }

    /// <summary>True when the set holds <paramref name="value"/>.</summary>
    public bool Contains(UInt128 value)
    {
        if (value == UInt128.Zero) return _hasZero;
        var mask = _slots.Length - 1;
        for (var i = (int)((ulong)value & (ulong)mask); ; i = (i + 1) & mask)
        {
            if (_slots[i] == value) return true;
            if (_slots[i] == UInt128.Zero) return false;
        }
    }

    private static bool Insert(UInt128[] slots, UInt128 value)
    {
        var mask = slots.Length - 1;
        for (var i = (int)((ulong)value & (ulong)mask); ; i = (i + 1) & mask)
        {
            if (slots[i] == value) return false;
            if (slots[i] != UInt128.Zero) continue;
            slots[i] = value;
            return true;
        }
    }

    private void Grow()
    {
        var larger = new UInt128[checked(_slots.Length * 2)];
        foreach (var value in _slots)
            if (value != UInt128.Zero) Insert(larger, value);
        _slots = larger;
    }
}
