using System.Diagnostics;
using System.Text.Json;

namespace Analytics.Tests;

/// <summary>What a reader sees of a page: its colours, whether it overflows the window, its errors and refused requests.</summary>
/// <param name="Background">The body's computed background colour, <c>rgb(r, g, b)</c>.</param>
/// <param name="Color">The body's computed text colour.</param>
/// <param name="ScrollWidth">The page's width: wider than <see cref="ViewportWidth"/> when it overflows the window.</param>
/// <param name="ViewportWidth">The window's width.</param>
/// <param name="ConsoleErrors">Errors the page logged or threw.</param>
/// <param name="Refused">Requests the page made beyond its own file, all refused.</param>
/// <param name="Tiles">Each tile's value (<c>data-value</c>), by its <c>data-tile</c>.</param>
/// <param name="Charts">Each chart as drawn, by its id.</param>
/// <param name="Tables">Each figure's table rows (those not hidden), cell texts, by its <c>data-figure</c>.</param>
/// <param name="Sources">The texts saying where each figure's numbers came from.</param>
/// <param name="Filtered">The figures again after the filter given was chosen in the page.</param>
public sealed record PageLook(string Background, string Color, int ScrollWidth, int ViewportWidth, List<string> ConsoleErrors, List<string> Refused,
    Dictionary<string, string> Tiles, Dictionary<string, ChartLook> Charts, Dictionary<string, List<List<string>>> Tables, List<string> Sources, PageFigures? Filtered)
{
    /// <summary>The relative luminance (WCAG 2) of an <c>rgb(…)</c> colour: 0 black, 1 white.</summary>
    public static double Luminance(string rgb)
    {
        var parts = rgb[(rgb.IndexOf('(', StringComparison.Ordinal) + 1)..rgb.IndexOf(')', StringComparison.Ordinal)].Split(',').Take(3)
            .Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture) / 255).Select(c => c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4)).ToArray();
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2];
    }

    /// <summary>The WCAG 2 contrast ratio of the text on the background (1 to 21).</summary>
    public double Contrast
    {
        get
        {
            var (a, b) = (Luminance(Color), Luminance(Background));
            return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
        }
    }
}

/// <summary>A page's figures after a filter was chosen.</summary>
public sealed record PageFigures(Dictionary<string, string> Tiles, Dictionary<string, ChartLook> Charts, Dictionary<string, List<List<string>>> Tables);

/// <summary>A chart as the page drew it: its category axes' labels, its series (each point's value as JSON, null for a gap), whether it was drawn, its value axis's top and the pixels one unit of it is tall.</summary>
public sealed record ChartLook(List<List<string>> Categories, List<SeriesLook> Series, bool Drawn, double? ValueMax, double? PixelsPerUnit)
{
    /// <summary>The series named <paramref name="name"/>.</summary>
    public SeriesLook this[string name] => Series.SingleOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"No series '{name}' among {string.Join(", ", Series.Select(s => s.Name))}.");
}

/// <summary>A series as drawn: its name, type and points (each value as JSON; null for a gap between spans).</summary>
public sealed record SeriesLook(string Name, string Type, List<string?> Data)
{
    /// <summary>The points, each value's numbers (a time as Unix milliseconds; a category as NaN).</summary>
    public List<double[]> Points => [.. Data.OfType<string>().Select(d => d.StartsWith('[')
        ? System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement[]>(d)!.Select(e => e.ValueKind == System.Text.Json.JsonValueKind.Number ? e.GetDouble() : double.NaN).ToArray()
        : [double.Parse(d, System.Globalization.CultureInfo.InvariantCulture)])];
}

/// <summary>Debian's headless Chromium driven by puppeteer-core (tests/browser, installed by .ci/run or here on first use).</summary>
public static class Browser
{
    private static readonly object Install = new();

    /// <summary>tests/browser, its npm packages installed (puppeteer-core, and echarts to check the pages' copy against).</summary>
    public static string Modules()
    {
        var folder = Path.Combine(Some.RepoRoot, "tests", "browser");
        lock (Install)
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "puppeteer-core")) || !Directory.Exists(Path.Combine(folder, "node_modules", "echarts")))
                Tools.Run("npm", "ci --no-audit --no-fund", folder);
        return folder;
    }

    /// <summary>Opens <paramref name="file"/> at <paramref name="width"/> pixels in <paramref name="scheme"/> (light or dark), keeps a screenshot under the test output, and says what it looked like.</summary>
    /// <param name="file">The page.</param>
    /// <param name="width">The window's width.</param>
    /// <param name="scheme">light or dark.</param>
    /// <param name="screenshotName">The screenshot's file name.</param>
    /// <param name="filter">A filter to choose in the page afterwards (NAME=VALUE), or null.</param>
    public static PageLook Look(string file, int width, string scheme, string screenshotName, string? filter = null)
    {
        var folder = Modules();
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var output = Tools.Run("node", $"look.mjs \"{Path.GetFullPath(file)}\" {width} {scheme} \"{Path.Combine(screenshots, screenshotName)}\"" + (filter is null ? "" : $" \"{filter}\""), folder);
        return JsonSerializer.Deserialize<PageLook>(output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }
}

/// <summary>The outside programs the tests run (npm, node).</summary>
public static class Tools
{
    /// <summary>Runs <paramref name="file"/> in <paramref name="folder"/> and returns its standard output; its error output is the message of a failure.</summary>
    public static string Run(string file, string arguments, string folder)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed: {error.Result}");
        return output;
    }
}
