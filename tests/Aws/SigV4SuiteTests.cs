using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Analytics.Aws.Signing;

namespace Analytics.Tests.Aws;

/// <summary>
/// The signer against every case of the AWS Signature Version 4 test suite (tests/Aws/fixtures/sigv4-test-suite,
/// from botocore): the Authorization header must be the suite's, byte for byte.
/// </summary>
public class SigV4SuiteTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    public static string Suite => Path.Combine(Some.RepoRoot, "tests", "Aws", "fixtures", "sigv4-test-suite");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var req in Directory.EnumerateFiles(Suite, "*.req", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Suite, Path.ChangeExtension(req, null)));
        return data;
    }

    [Fact]
    public void Suite_HasEveryCopiedCase()
    {
        // 18 request cases plus the two session-token cases (SOURCES.md lists them).
        Assert.Equal(20, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_SuiteCase_AuthorizationIsTheSuites(string @case)
    {
        var path = Path.Combine(Suite, @case);
        var (method, uri, headers, body) = ParseRequest(File.ReadAllText(path + ".req"));
        var signedAt = DateTime.ParseExact(headers.Single(h => h.Key.Equals("X-Amz-Date", StringComparison.OrdinalIgnoreCase)).Value,
            "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var signer = new RequestSigner("service", "us-east-1");

        // The with-session-token case signs with temporary credentials whose token its canonical request shows; the
        // header-after case adds its token once the request is signed, so it is signed without one.
        var token = File.ReadAllLines(path + ".creq").FirstOrDefault(l => l.StartsWith("x-amz-security-token:", StringComparison.Ordinal)) is { } line
            && !headers.Any(h => h.Key.Equals(RequestSigner.SecurityTokenHeader, StringComparison.OrdinalIgnoreCase))
            ? line["x-amz-security-token:".Length..] : null;
        var signedHeaders = signer.Sign(method, uri, headers, body, new ImmutableCredentials(AccessKey, SecretKey, token), signedAt);

        Assert.Equal(File.ReadAllText(path + ".authz").Trim(), signedHeaders["Authorization"]);
    }

    [Fact]
    public void Sign_CredentialsWithASessionToken_TheTokenIsSignedAsInTheHeaderBeforeCase()
    {
        var path = Path.Combine(Suite, "post-sts-token", "post-sts-header-before", "post-sts-header-before");
        var (method, uri, headers, body) = ParseRequest(File.ReadAllText(path + ".req"));
        var token = headers.Single(h => h.Key == RequestSigner.SecurityTokenHeader).Value;
        var withoutToken = headers.Where(h => h.Key != RequestSigner.SecurityTokenHeader).ToList();

        var signed = new RequestSigner("service", "us-east-1").Sign(method, uri, withoutToken, body, new ImmutableCredentials(AccessKey, SecretKey, token),
            new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc));

        Assert.Equal(token, signed[RequestSigner.SecurityTokenHeader]);
        Assert.Equal(File.ReadAllText(path + ".authz").Trim(), signed["Authorization"]);
    }

    // The suite's .req: request line, headers (Name:value), a blank line, the body.
    private static (string Method, Uri Uri, List<KeyValuePair<string, string>> Headers, byte[] Body) ParseRequest(string text)
    {
        var split = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", 2);
        var lines = split[0].Split('\n');
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ', StringComparison.Ordinal)];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }
        var host = headers.Single(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)).Value;
        var body = split.Length > 1 ? Encoding.UTF8.GetBytes(split[1]) : [];
        return (method, new Uri($"https://{host}{EscapeNonAscii(target)}"), headers, body);
    }

    private static string EscapeNonAscii(string target) =>
        string.Concat(target.Select(c => c < 128 ? c.ToString() : Uri.EscapeDataString(c.ToString())));
}
