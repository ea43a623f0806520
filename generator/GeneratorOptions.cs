namespace Analytics.Generator;

/// <summary>What <see cref="EventGenerator"/> produces.</summary>
public sealed class GeneratorOptions
{
    /// <summary>The first day (UTC).</summary>
    /// <value>The default value is 2026-11-02.</value>
    public DateOnly Start { get; set; } = new(2026, 11, 2);

    /// <summary>How many days.</summary>
    /// <value>The default value is 1.</value>
    public int Days { get; set; } = 1;

    /// <summary>Approximate ECS task state changes per day; every other kind of event scales with it.</summary>
    /// <value>The default value is 4000.</value>
    public int TaskEventsPerDay { get; set; } = 4000;

    /// <summary>The random seed; the same options give the same bytes.</summary>
    /// <value>The default value is 7.</value>
    public int Seed { get; set; } = 7;

    /// <summary>Share of events delivered a second time, in a later object.</summary>
    /// <value>The default value is 0.02.</value>
    public double RedeliveryRate { get; set; } = 0.02;

    /// <summary>Records cut short, each in its own uncompressed object, as a crashed producer leaves them.</summary>
    /// <value>The default value is 1.</value>
    public int TruncatedRecords { get; set; } = 1;

    /// <summary>Share of gzip objects written without the <c>.gz</c> extension (Firehose's FileExtension can be anything).</summary>
    /// <value>The default value is 0.15.</value>
    public double GzipWithoutExtensionShare { get; set; } = 0.15;

    /// <summary>Records per object (Firehose's buffer holds a few hundred events).</summary>
    /// <value>The default value is 400.</value>
    public int RecordsPerObject { get; set; } = 400;
}
