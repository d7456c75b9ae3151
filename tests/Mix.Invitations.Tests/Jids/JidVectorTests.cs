using System.Globalization;
using System.Text;
using System.Text.Json;
using Mix.Invitations.Tests.TestSupport;

namespace Mix.Invitations.Tests.Jids;

/// <summary>
/// JID corpora: jxmpp's valid and invalid lists (igniterealtime/jxmpp, Apache-2.0) and jid_vectors.json (the jxmpp
/// lists plus mellium/xmpp's jid_test.go tables, BSD-2-Clause). Sources and commits are in Vectors/README.md.
/// </summary>
public class JidVectorTests
{
    /// <summary>
    /// Vectors whose source follows an older rule than the RFCs this library implements. Each one is still run: the
    /// test asserts the library's own (RFC) answer, so the decision is pinned rather than skipped.
    /// </summary>
    private static readonly Dictionary<string, Exclusion> Exclusions = new(StringComparer.Ordinal)
    {
        // jxmpp maps ς (U+03C2) to σ: Unicode case folding, from RFC 7613. RFC 8265 §3.3.3, which obsoletes RFC 7613,
        // uses toLowerCase, which keeps ς (jxmpp itself marks the entry "TODO"); precis_i18n agrees.
        ["jxmpp-valid#10"] = new("RFC 8265 §3.3.3 toLowerCase keeps U+03C2; jxmpp's σ is RFC 7613 case folding", "\u03C2", "example.com", null),
        ["jxmpp-valid-10"] = new("RFC 8265 §3.3.3 toLowerCase keeps U+03C2; jxmpp's σ is RFC 7613 case folding", "\u03C2", "example.com", null),

        // jxmpp keeps an IPv6 zone identifier. RFC 7622 §3.2 takes IP-literal from RFC 3986, which has none (RFC 6874
        // adds one to URIs only), and a zone let '<', '>', '&', '@' and spaces into a domainpart unnormalised (issue 14).
        ["jxmpp-valid#20"] = Exclusion.Refused("RFC 7622/RFC 3986 IP-literal has no zone identifier"),
        ["jxmpp-valid-20"] = Exclusion.Refused("RFC 7622/RFC 3986 IP-literal has no zone identifier"),
    };

    private static readonly Lazy<List<TextVector>> JxmppValid = new(() => ParseJxmpp("jid/jxmpp_valid_jids.txt", valid: true));

    private static readonly Lazy<List<TextVector>> JxmppInvalid = new(() => ParseJxmpp("jid/jxmpp_invalid_jids.txt", valid: false));

    private static readonly Lazy<Dictionary<string, JsonElement>> JsonVectors = new(LoadJsonVectors);

    public static TheoryData<string> JxmppValidIds => ToTheory(JxmppValid.Value.Select(v => v.Id));

    public static TheoryData<string> JxmppInvalidIds => ToTheory(JxmppInvalid.Value.Select(v => v.Id));

    public static TheoryData<string> JsonVectorIds => ToTheory(JsonVectors.Value.Keys);

    [Theory]
    [MemberData(nameof(JxmppValidIds))]
    public void Parse_JxmppValidJid_GivesExpectedParts(string id)
    {
        var vector = JxmppValid.Value.Single(v => v.Id == id);
        var (local, domain, resource) = vector.Expected!.Value;
        AssertParses(id, vector.Input, local, domain, resource);
    }

    [Theory]
    [MemberData(nameof(JxmppInvalidIds))]
    public void Parse_JxmppInvalidJid_IsRejected(string id)
    {
        var vector = JxmppInvalid.Value.Single(v => v.Id == id);
        AssertRejected(id, vector.Input);
    }

    [Theory]
    [MemberData(nameof(JsonVectorIds))]
    public void Parse_JidVector_MatchesSource(string id)
    {
        var vector = JsonVectors.Value[id];
        var valid = vector.GetProperty("valid").GetBoolean();

        if (vector.TryGetProperty("input_parts", out var parts) && parts.ValueKind == JsonValueKind.Object)
        {
            var local = parts.GetProperty("localpart").GetRawString();
            var domain = parts.GetProperty("domainpart").GetRawString()!;
            var resource = parts.GetProperty("resourcepart").GetRawString();
            var create = () => Jid.Create(local, domain, resource);
            if (valid)
            {
                create.Should().NotThrow(id);
            }
            else
            {
                create.Should().Throw<JidFormatException>(id);
            }

            return;
        }

        if (vector.TryGetProperty("input_utf8_hex", out var hex) && hex.ValueKind == JsonValueKind.String)
        {
            // The API takes UTF-16 text, so bytes that are not UTF-8 are refused where they are decoded, by a strict
            // decoder; a lenient one would turn them into U+FFFD, which OpaqueString allows in a resourcepart.
            valid.Should().BeFalse(id);
            var bytes = Convert.FromHexString(hex.GetString()!);
            var strict = () => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            strict.Should().Throw<DecoderFallbackException>(id);
            return;
        }

        var input = vector.GetProperty("input").GetRawString()!;
        if (!valid)
        {
            AssertRejected(id, input);
            return;
        }

        var expected = vector.GetProperty("expected");
        AssertParses(
            id,
            input,
            expected.GetProperty("localpart").GetRawString(),
            expected.GetProperty("domainpart").GetRawString()!,
            expected.GetProperty("resourcepart").GetRawString());
    }

    private static void AssertParses(string id, string input, string? local, string domain, string? resource)
    {
        var because = $"{id}: \"{VectorFiles.Escape(input)}\"";
        if (Exclusions.TryGetValue(id, out var refusal) && refusal.IsRefused)
        {
            Jid.TryParse(input, out _, out var refused).Should().BeFalse($"{because} is excluded: {refusal.Reason}");
            refused.Should().NotBeNullOrEmpty();
            return;
        }

        Jid.TryParse(input, out var jid, out var error).Should().BeTrue($"{because} is valid, but: {error}");

        if (Exclusions.TryGetValue(id, out var exclusion))
        {
            (jid.Local, jid.Domain, jid.Resource).Should().Be((exclusion.Local, exclusion.Domain, exclusion.Resource), $"{because} is excluded: {exclusion.Reason}");
            (jid.Local, jid.Domain, jid.Resource).Should().NotBe((local, domain, resource), $"{because}: the exclusion is stale; remove it");
            return;
        }

        (jid.Local, jid.Domain, jid.Resource).Should().Be((local, domain, resource), because);
    }

    private static void AssertRejected(string id, string input)
    {
        Jid.TryParse(input, out var jid, out _).Should().BeFalse($"{id}: \"{VectorFiles.Escape(input)}\" is invalid, but parsed as \"{VectorFiles.Escape(jid.ToString())}\"");
    }

    /// <summary>
    /// jxmpp's corpus format: "jid:" LF, the input, RS LF, then "localpart US domainpart US resourcepart RS" LF;
    /// "invalid jid:" LF, the input, RS LF. Anything else is comment. An empty part means the part is absent.
    /// </summary>
    private static List<TextVector> ParseJxmpp(string file, bool valid)
    {
        const char Rs = '\u001E', Us = '\u001F';
        var header = valid ? "jid:" : "invalid jid:";
        var lines = VectorFiles.ReadText(file).Split('\n');
        var vectors = new List<TextVector>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] != header)
            {
                continue;
            }

            var input = lines[++i].TrimEnd(Rs);
            (string?, string, string?)? expected = null;
            if (valid)
            {
                var parts = lines[++i].TrimEnd(Rs).Split(Us);
                expected = (NullIfEmpty(parts[0]), parts[1], NullIfEmpty(parts[2]));
            }

            vectors.Add(new TextVector(string.Create(CultureInfo.InvariantCulture, $"jxmpp-{(valid ? "valid" : "invalid")}#{vectors.Count + 1:D2}"), input, expected));
        }

        return vectors;

        static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
    }

    private static Dictionary<string, JsonElement> LoadJsonVectors()
    {
        using var document = VectorFiles.ReadJson("jid/jid_vectors.json");
        return document.RootElement.GetProperty("vectors").EnumerateArray()
            .ToDictionary(v => v.GetProperty("id").GetString()!, v => v.Clone(), StringComparer.Ordinal);
    }

    private static TheoryData<string> ToTheory(IEnumerable<string> ids)
    {
        var data = new TheoryData<string>();
        foreach (var id in ids)
        {
            data.Add(id);
        }

        return data;
    }

    private sealed record TextVector(string Id, string Input, (string? Local, string Domain, string? Resource)? Expected);

    private sealed record Exclusion(string Reason, string? Local, string Domain, string? Resource)
    {
        /// <summary>Gets a value indicating whether the library refuses what the source accepts.</summary>
        public bool IsRefused { get; private init; }

        public static Exclusion Refused(string reason) => new(reason, null, string.Empty, null) { IsRefused = true };
    }
}
