using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace Analytics.Aws.Signing;

/// <summary>
/// Signs an HTTP request with AWS Signature Version 4 by AWSSDK.Core's signer (<see cref="AWS4Signer"/>): its
/// header initialization, header pruning and sorting, canonical request, query canonicalization and signature.
/// This class only passes the request's parts in and the headers out; no canonicalization or hashing of ours.
/// (The SDK's whole-request <c>SignRequest</c> also signs an <c>x-amz-content-sha256</c> header, which S3
/// needs and JSON services do not; the parts used here sign exactly what SigV4 defines, so the AWS SigV4 test
/// suite is reproduced byte for byte.)
/// </summary>
/// <param name="signingName">The service's signing name (<c>athena</c>, <c>health</c>, <c>support</c>, <c>firehose</c>).</param>
/// <param name="region">The signing region (<c>us-east-1</c>).</param>
public sealed class RequestSigner(string signingName, string region)
{
    /// <summary>The header that carries a session token.</summary>
    public const string SecurityTokenHeader = "X-Amz-Security-Token";

    /// <summary>The service's signing name.</summary>
    public string SigningName { get; } = signingName;

    /// <summary>The signing region.</summary>
    public string Region { get; } = region;

    /// <summary>
    /// Signs a request. <paramref name="headers"/> are the headers to sign (<c>Host</c> and <c>X-Amz-Date</c> are
    /// set from the URI and <paramref name="signedAt"/>); a session token, when the credentials have one, is
    /// signed with them. Returns every header the request must carry: those given, <c>Host</c>,
    /// <c>X-Amz-Date</c>, the token and <c>Authorization</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Sign(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, byte[] body,
        ImmutableCredentials credentials, DateTime signedAt)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(credentials);
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers) all[name] = value;
        AWS4Signer.InitializeHeaders(all, uri, signedAt);
        if (!uri.IsDefaultPort) all["Host"] = uri.Authority;
        if (credentials.UseToken) all[SecurityTokenHeader] = credentials.Token;
        var (canonicalRequest, signedHeaders) = Sdk.Canonicalize(method, uri, all, AWSSDKUtils.ToHex(AWS4Signer.ComputeHash(body), true));
        var result = AWS4Signer.ComputeSignature(credentials, Region, signedAt, SigningName, signedHeaders, canonicalRequest);
        all["Authorization"] = result.ForAuthorizationHeader;
        return all;
    }

    // AWS4Signer's canonicalization members are protected: this subclass only calls them.
    private sealed class Sdk : AWS4Signer
    {
        public static (string CanonicalRequest, string SignedHeaders) Canonicalize(string method, Uri uri, IDictionary<string, string> headers, string bodyHash)
        {
            var sorted = SortAndPruneHeaders(headers);
            // SigV4 sorts by the encoded names and values (the SDK's own list is sorted by the decoded name, which
            // differs for non-ASCII names): encode with the SDK's RFC 3986 encoder, sort, and canonicalize as given.
            var encoded = QueryParameters(uri.Query)
                .Select(p => KeyValuePair.Create(AWSSDKUtils.UrlEncode(p.Key, false), AWSSDKUtils.UrlEncode(p.Value, false)))
                .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal);
            var query = CanonicalizeQueryParameters(encoded, false);
            var endpoint = new Uri(uri.GetLeftPart(UriPartial.Authority));
            var canonical = CanonicalizeRequest(endpoint, Uri.UnescapeDataString(uri.AbsolutePath), method, sorted, query, bodyHash);
            return (canonical, CanonicalizeHeaderNames(sorted));
        }

        // The query's parameters as the SDK lists them for signing: decoded, each name with all its values (the
        // SDK's parameter collection orders a name's values), so the signer encodes and sorts them as SigV4 says.
        private static List<KeyValuePair<string, string>> QueryParameters(string query)
        {
            if (string.IsNullOrEmpty(query) || query == "?") return [];
            using var request = new DefaultRequest(new Unsigned(), "query") { UseQueryString = true };
            var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2))
                .Select(parts => (Name: Uri.UnescapeDataString(parts[0]), Value: parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : ""));
            foreach (var group in pairs.GroupBy(p => p.Name, StringComparer.Ordinal))
            {
                var values = group.Select(p => p.Value).ToList();
                if (values.Count == 1) request.ParameterCollection.Add(group.Key, values[0]);
                else request.ParameterCollection.Add(group.Key, values);
            }
            return GetParametersToCanonicalize(request);
        }

        private sealed class Unsigned : AmazonWebServiceRequest;
    }
}
