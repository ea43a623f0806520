using System.Globalization;

namespace Analytics.Schemas;

/// <summary>The Hive partitioning every table shares: one folder <c>dt=yyyy-MM-dd/</c> per UTC day.</summary>
public static class Partitioning
{
    /// <summary>The partition column's name.</summary>
    public const string Column = "dt";

    /// <summary>The partition value's format, in .NET and in Athena's projection (<c>yyyy-MM-dd</c>).</summary>
    public const string Format = "yyyy-MM-dd";

    /// <summary>The partition value of a row whose event time is <paramref name="eventTime"/> (UTC).</summary>
    public static string DtOf(DateTime eventTime) =>
        eventTime.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);
}
