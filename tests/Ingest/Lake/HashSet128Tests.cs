using Analytics.Ingest.Lake;

namespace Analytics.Tests.Ingest.Lake;

public class HashSet128Tests
{
    [Fact]
    public void Add_RandomValuesWithRepeats_AgreesWithHashSet()
    {
        var random = new Random(7);
        var set = new HashSet128();
        var reference = new HashSet<UInt128>();
        // 200,000 adds drawn from 120,000 values: many repeats, and the set grows through many sizes.
        var values = Enumerable.Range(0, 120_000).Select(_ => new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64())).ToArray();
        for (var i = 0; i < 200_000; i++)
        {
            var value = values[random.Next(values.Length)];
            Assert.Equal(reference.Add(value), set.Add(value));
        }

        Assert.Equal(reference.Count, set.Count);
        Assert.All(values, v => Assert.Equal(reference.Contains(v), set.Contains(v)));
    }

    [Fact]
    public void Add_ValuesSharingTheirLowBits_AreAllKept()
    {
        // The low 64 bits pick the slot: these all start their search at the same one.
        var set = new HashSet128();
        for (ulong high = 0; high < 1_000; high++) Assert.True(set.Add(new UInt128(high + 1, 42)));
        for (ulong high = 0; high < 1_000; high++) Assert.False(set.Add(new UInt128(high + 1, 42)));

        Assert.Equal(1_000, set.Count);
        Assert.False(set.Contains(new UInt128(5_000, 42)));
    }

    [Fact]
    public void Add_Zero_IsAValueLikeAnyOther()
    {
        var set = new HashSet128();

        Assert.False(set.Contains(UInt128.Zero));
        Assert.True(set.Add(UInt128.Zero));
        Assert.False(set.Add(UInt128.Zero));
        Assert.True(set.Add(UInt128.One));
        Assert.Equal(2, set.Count);
        Assert.True(set.Contains(UInt128.Zero));
    }
}
