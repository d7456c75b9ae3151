using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Jids.Precis;
using Mix.Invitations.Tests.Shared;
using Mix.Invitations.Tests.TestSupport;
using Mix.Invitations.Tests.Tokens;
using static Mix.Invitations.Tests.Shared.AdversarialInputs;

namespace Mix.Invitations.Tests.Security;

/// <summary>The cost tests run alone: other tests' threads would compete for the two cores and the caches.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CostTestsRunAlone
{
    public const string Name = "Cost: every reader of untrusted input is linear";
}

/// <summary>
/// Issue 14: every reader of untrusted input does work linear in its input. For each reader and each adversarial family
/// (tests/Shared/AdversarialInputs.cs), the cost of one call is measured at two sizes, the larger twice the smaller, in
/// thread CPU time (TestSupport/CpuCost.cs), and may grow by at most <see cref="CpuCost.LinearLimit"/> (linear is 2,
/// quadratic 4). Nothing here compares a time with a wall clock or a fixed budget: only the two sizes of one family.
/// </summary>
/// <remarks>
/// Sizes: JID parts and PRECIS profiles at 760 → 1 520 characters (under every length bound, so the whole enforcement
/// runs) and at 8 000 → 16 000 (the 16 KiB attack); the XML readers on documents of about 8 KiB → 16 KiB (the default
/// limit); links at 4 000 → 8 000 characters (under the default limit; the family's text percent-encoded fills them)
/// and 16 000 → 32 000 (over it).
/// Set MIX_INVITATIONS_COST_REPORT to a file path to have every measurement appended to it.
/// </remarks>
[Collection(CostTestsRunAlone.Name)]
public sealed class CostTests(ITestOutputHelper output)
{
    private const int Inside = 760;
    private const int Attack = 8_000;
    private const int XmlFamilySize = 7_900;
    private const int XmlStructureSize = 7_900;

    private static readonly InvitationService Service = TestKeys.Service().Service;

    public static TheoryData<string, string, int> JidPartCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var size in new[] { Inside, Attack })
        {
            foreach (var family in JidPartFamilies.Keys)
            {
                data.Add("localpart", family, size);
                data.Add("domainpart", family, size);
                data.Add("resourcepart", family, size);
            }

            foreach (var family in DomainFamilies.Keys)
            {
                data.Add("domainpart", family, size);
            }

            data.Add("localpart, Parse throwing", "katakana-middle-dot", size);
        }

        return data;
    }

    public static TheoryData<string, string, int> PrecisCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var size in new[] { Inside, Attack })
        {
            foreach (var family in JidPartFamilies.Keys)
            {
                data.Add("UsernameCaseMapped", family, size);
                data.Add("OpaqueString", family, size);
            }
        }

        return data;
    }

    public static TheoryData<string, string> XmlJidCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var slot in XmlJidSlots)
        {
            foreach (var family in JidPartFamilies.Keys)
            {
                data.Add(slot, family);
            }
        }

        foreach (var family in DomainFamilies.Keys)
        {
            data.Add("invitation/channel-domainpart", family);
        }

        return data;
    }

    public static TheoryData<string, string> XmlStructureCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var reader in XmlReaders)
        {
            foreach (var family in XmlContentFamilies.Keys.Concat(XmlAttributeFamilies.Keys))
            {
                data.Add(reader, family);
            }
        }

        return data;
    }

    public static TheoryData<string, string> XmlEntryPointCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in new[] { "XmlReader", "XElement", "Read (throwing)" })
        {
            foreach (var family in new[] { "katakana-middle-dot", "arabic-indic-digits", "combining-230-220" })
            {
                data.Add(entry, family);
            }
        }

        return data;
    }

    public static TheoryData<string, string, int> UriCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var size in new[] { 4_000, 16_000 })
        {
            foreach (var family in JidPartFamilies.Keys)
            {
                data.Add("channel localpart", family, size);
                data.Add("inviter localpart", family, size);
                data.Add("invitee resourcepart", family, size);
            }

            data.Add("channel domainpart", "combining-230-220", size);
            data.Add("channel domainpart", "marks-between-soft-hyphens", size);
            foreach (var family in UriFamilies.Keys)
            {
                data.Add("link", family, size);
            }
        }

        return data;
    }

    public static TheoryData<string, int> TokenCases() => new()
    {
        { "TryValidateToken", 4_000 },
        { "TryValidate", 4_000 },
        { "TryValidateToken", 16_000 },
        { "TryValidate", 16_000 },
    };

    private static IReadOnlyDictionary<string, Func<int, string>> UriFamilies { get; } = new Dictionary<string, Func<int, string>>(StringComparer.Ordinal)
    {
        ["long-token"] = n => "xmpp:coven@mix.example?join;preauth=" + Repeat("A", n - 36),
        ["many-unknown-pairs"] = n => "xmpp:coven@mix.example?join;preauth=" + Token + Repeat(";x=y", (n - 74) / 4),
        ["many-separators"] = n => "xmpp:coven@mix.example?join;preauth=" + Token + Repeat(";&", (n - 74) / 2),
        ["many-percent-escapes"] = n => "xmpp:coven@mix.example?join;preauth=" + Token + ";x=" + Repeat("%41", (n - 77) / 3),
        ["long-authority"] = n => "xmpp://" + Repeat("a", n - 80) + "/coven@mix.example?join;preauth=" + Token,
        ["long-scheme"] = n => Repeat("a", n - 70) + ":coven@mix.example?join;preauth=" + Token,
        ["landing-link"] = n => "https://invite.example/" + Repeat("a", n - 100) + "#coven@mix.example?join;preauth=" + Token,
    };

    [Theory]
    [MemberData(nameof(JidPartCases))]
    public void Jid_ParseCostIsLinear(string part, string family, int size)
    {
        var make = JidPartFamilies.TryGetValue(family, out var f) ? f : DomainFamilies[family];
        Func<string, bool> parse = part.EndsWith("Parse throwing", StringComparison.Ordinal) ? ParseThrowing : TryParse;
        string Address(int n) => part switch
        {
            "domainpart" => "cat@" + make(n),
            "resourcepart" => "cat@example.org/" + make(n),
            _ => make(n) + "@example.org",
        };

        ShouldBeLinear($"Jid {part}", family, size, Address, parse);

        static bool TryParse(string text) => Jid.TryParse(text.AsSpan(), out _, out _);

        static bool ParseThrowing(string text)
        {
            try
            {
                Jid.Parse(text);
                return true;
            }
            catch (JidFormatException)
            {
                return false;
            }
        }
    }

    [Theory]
    [MemberData(nameof(PrecisCases))]
    public void PrecisProfile_EnforcementCostIsLinear(string profile, string family, int size)
    {
        var precis = profile == "UsernameCaseMapped" ? PrecisProfiles.UsernameCaseMapped : PrecisProfiles.OpaqueString;
        ShouldBeLinear($"PRECIS {profile}", family, size, JidPartFamilies[family], text => precis.TryEnforce(text, out _, out _));
    }

    [Theory]
    [MemberData(nameof(XmlJidCases))]
    public void InvitationXml_JidCostIsLinear(string slot, string family)
    {
        var make = JidPartFamilies.TryGetValue(family, out var f) ? f : DomainFamilies[family];
        ShouldBeLinear($"InvitationXml {slot}", family, XmlFamilySize, n => Document(slot, EscapeText(make(n))), ReaderFor(slot.Split('/')[0]));
    }

    [Theory]
    [MemberData(nameof(XmlStructureCases))]
    public void InvitationXml_StructureCostIsLinear(string reader, string family)
    {
        Func<int, string> document = XmlContentFamilies.TryGetValue(family, out var content)
            ? n => Document(reader, content: content(n))
            : n => Document(reader, attributes: XmlAttributeFamilies[family](n));
        ShouldBeLinear($"InvitationXml {reader}", family, XmlStructureSize, document, ReaderFor(reader));
    }

    [Theory]
    [MemberData(nameof(XmlEntryPointCases))]
    public void InvitationXml_EveryEntryPointCostIsLinear(string entry, string family)
    {
        Func<string, bool> read = entry switch
        {
            "XmlReader" => xml =>
            {
                using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
                return InvitationXml.TryRead<Invitation>(reader, out _, out _);
            },
            "XElement" => xml => InvitationXml.TryRead<Invitation>(XElement.Parse(xml), out _, out _),
            _ => xml =>
            {
                try
                {
                    InvitationXml.Read<Invitation>(xml);
                    return true;
                }
                catch (InvitationFormatException)
                {
                    return false;
                }
            },
        };
        ShouldBeLinear($"InvitationXml invitation/channel, {entry}", family, XmlFamilySize, n => Document("invitation/channel", JidPartFamilies[family](n)), read);
    }

    [Theory]
    [MemberData(nameof(UriCases))]
    public void InvitationUri_ParseCostIsLinear(string slot, string family, int size)
    {
        // The family's text is made as long as fits in n characters once percent-encoded (a 2-byte mark takes 6).
        var make = JidPartFamilies.TryGetValue(family, out var f) ? f : DomainFamilies.GetValueOrDefault(family);
        int Fit(int n) => make is null ? 0 : (int)((n - 250) * 100.0 / PercentEncode(make(100)).Length);
        Func<int, string> link = slot switch
        {
            "channel localpart" => n => "xmpp:" + PercentEncode(make!(Fit(n))) + "@mix.example?join;preauth=" + Token,
            "channel domainpart" => n => "xmpp:coven@" + PercentEncode(make!(Fit(n))) + "?join;preauth=" + Token,
            "inviter localpart" => n => "xmpp:coven@mix.example?join;preauth=" + Token + ";inviter=" + PercentEncode(make!(Fit(n)) + "@example.org"),
            "invitee resourcepart" => n => "xmpp:coven@mix.example?join;preauth=" + Token + ";invitee=" + PercentEncode("cat@example.org/" + make!(Fit(n))),
            _ => UriFamilies[family],
        };
        ShouldBeLinear($"InvitationUri {slot}", family, size, link, text => InvitationUri.TryParse(text, out _, out _));
    }

    [Theory]
    [MemberData(nameof(TokenCases))]
    public void TokenDecoding_CostIsLinear(string entry, int size)
    {
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };
        Func<string, bool> validate = entry == "TryValidateToken"
            ? token => Service.CheckToken(token, context).IsValid
            : token => Service.Check(new Invitation(TestKeys.Channel, token, TestKeys.Inviter, TestKeys.Invitee), context).IsValid;
        ShouldBeLinear($"token {entry}", "long-base64url", size, n => Repeat("A", n), validate);
    }

    [Fact]
    public void EveryDocumentTemplate_ReadsAsAPlainValue()
    {
        // The measured documents differ from these only in the family's text: a template that failed to read would
        // measure a refusal of the template instead of the family.
        foreach (var slot in XmlJidSlots)
        {
            ReaderFor(slot.Split('/')[0])(Document(slot, slot.EndsWith("domainpart", StringComparison.Ordinal) ? "example.net" : "x")).Should().BeTrue(slot);
        }

        foreach (var reader in XmlReaders)
        {
            foreach (var (family, content) in XmlContentFamilies)
            {
                ReaderFor(reader)(Document(reader, content: content(2000))).Should().BeTrue($"{reader} with {family}");
            }

            foreach (var (family, attributes) in XmlAttributeFamilies)
            {
                ReaderFor(reader)(Document(reader, attributes: attributes(2000))).Should().BeTrue($"{reader} with {family}");
            }
        }

        foreach (var (family, link) in UriFamilies.Where(f => f.Key is not "long-scheme"))
        {
            InvitationUri.TryParse(link(2000), out _, out var error).Should().BeTrue($"{family}: {error}");
        }
    }

    private static Func<string, bool> ReaderFor(string reader) => reader switch
    {
        "invitation" => TryReader<Invitation>(),
        "join" => TryReader<MixJoin>(),
        "invite" => TryReader<InviteRequest>(),
        "invite-result" => TryReader<InviteResult>(),
        "preauth" => TryReader<Preauth>(),
        "invitation-ack" => TryReader<InvitationAck>(),
        _ => throw new ArgumentOutOfRangeException(nameof(reader), reader, "no such reader"),
    };

    private static Func<string, bool> TryReader<T>()
        where T : WireElement =>
        xml => InvitationXml.TryRead<T>(xml, out _, out _);

    private void ShouldBeLinear(string reader, string family, int size, Func<int, string> input, Func<string, bool> operation)
    {
        Assert.SkipUnless(CpuCost.IsSupported, "the thread CPU clock is read on Linux only");
        var small = input(size);
        var large = input(2 * size);
        var scaling = CpuCost.Compare(() => operation(small), () => operation(large));

        var line = string.Create(CultureInfo.InvariantCulture, $"{reader} | {family} | {small.Length} -> {large.Length} chars | {scaling}");
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("MIX_INVITATIONS_COST_REPORT") is { Length: > 0 } report)
        {
            File.AppendAllText(report, line + "\n", Encoding.UTF8);
        }

        scaling.Ratio.Should().BeLessThanOrEqualTo(
            CpuCost.LinearLimit,
            $"{reader} on {family}: doubling the input ({small.Length} -> {large.Length} characters) must at most about double the work ({scaling})");
    }
}
