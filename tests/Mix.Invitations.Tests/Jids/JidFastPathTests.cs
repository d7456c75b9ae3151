using System.Text;
using CsCheck;
using Mix.Invitations.Tests.Properties;

namespace Mix.Invitations.Tests.Jids;

/// <summary>
/// The ASCII fast paths of <c>JidNormalizer</c> (issue 20) against the general PRECIS/IDNA path they shortcut: for every
/// input, the same outcome — the same address (parts, text, equality, hash, canonical bytes) or the same refusal (part
/// and message). <c>Jid.TryParseCore(text, generalOnly: true, …)</c> is the general path alone, as it was before the
/// fast paths; the golden PRECIS file and the JID corpora pin that path's own answers.
/// </summary>
[Collection(HeavyTests.Name)]
public class JidFastPathTests
{
    /// <summary>How many random cases each property runs (at least 10 000, as the other property tests).</summary>
    private const int Cases = 20_000;

    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly Gen<char> AnyAscii = Gen.Char[(char)0, (char)0x7F];

    /// <summary>Mostly what JIDs are made of, then their separators, the space, and any ASCII character (controls too).</summary>
    private static readonly Gen<char> JidChar = Gen.Frequency(
        (10, Gen.Char[Letters]),
        (4, Gen.Char["0123456789"]),
        (4, Gen.Char["@/.-"]),
        (1, Gen.Const(' ')),
        (3, AnyAscii));

    private static readonly Gen<string> Segment = Gen.String[JidChar, 0, 12];

    /// <summary>Labels that pass or just fail the host-name rules: hyphens at the edges and in positions 3–4, A-labels, numbers.</summary>
    private static readonly Gen<string> Label = Gen.Frequency(
        (6, Gen.String[Gen.Char["abcnxXYZ019-"], 1, 8]),
        (2, Gen.OneOfConst("xn--", "XN--abc", "xn--bcher-kva", "ab--c", "-a", "a-", "123", "0", "255", "256", "01", "localhost", "", "[::1]", "[0:0::1]", "a_b", "a b")),
        (2, Segment));

    private static readonly Gen<string> Domain = Gen.Select(Label.Array[1, 5], Gen.Frequency((6, Gen.Const(string.Empty)), (2, Gen.Const(".")), (1, Gen.Const("..")), (1, Gen.Const("。"))))
        .Select((labels, end) => string.Join('.', labels) + end);

    /// <summary>Dotted numbers: IPv4 addresses, and what only looks like one (leading zeros, octets over 255, three or five parts).</summary>
    private static readonly Gen<string> DottedNumbers = Gen.Select(Gen.Int[0, 300].Array[1, 5], Gen.Bool)
        .Select((octets, zero) => string.Join('.', octets.Select(o => zero && o < 10 ? "0" + o : o.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>A part around the length limits: 1023 bytes after preparation, 1534 code points before.</summary>
    private static readonly Gen<string> Long = Gen.Select(
            Gen.Frequency((4, Gen.Int[1015, 1030]), (1, Gen.Int[1528, 1540])),
            Gen.Frequency((6, Gen.String[Gen.Char[Letters + "0123456789"], 1, 6]), (2, Gen.OneOfConst("ab.", "a-b.", "x.")), (1, Segment.Where(s => s.Length > 0))),
            Gen.Frequency((8, Gen.Const(string.Empty)), (1, Gen.Const(".")), (1, JidChar.Select(c => c.ToString()))))
        .Select((length, pattern, end) =>
        {
            var text = new StringBuilder(length + pattern.Length);
            while (text.Length < length)
            {
                text.Append(pattern);
            }

            return text.ToString(0, length - end.Length) + end;
        });

    private static readonly Gen<string> LocalAndAt = Gen.Frequency(
        (2, Gen.Const(string.Empty)),
        (8, Segment.Select(s => s + "@")),
        (1, Long.Select(s => s + "@")));

    private static readonly Gen<string> SlashAndResource = Gen.Frequency(
        (4, Gen.Const(string.Empty)),
        (4, Segment.Select(s => "/" + s)),
        (1, Long.Select(s => "/" + s)));

    private static readonly Gen<string> DomainLike = Gen.Frequency((8, Domain), (1, DottedNumbers), (1, Long));

    /// <summary>Addresses as they usually are (most of them valid): the fast paths' results, in every case.</summary>
    private static readonly Gen<string> UsualAddress = Gen.Select(
            Gen.String[Gen.Char[Letters + "0123456789._-+!~"], 1, 16],
            Gen.String[Gen.Char[Letters + "0123456789-"], 1, 10].Array[1, 4],
            Gen.Frequency((1, Gen.Const(string.Empty)), (1, Gen.String[Gen.Char[Letters + " 0123456789@/._"], 1, 16].Select(r => "/" + r))))
        .Select((local, labels, resource) => local + "@" + string.Join('.', labels) + resource);

    /// <summary>Usual addresses, addresses shaped like JIDs, then random strings of JID characters, then any ASCII at all.</summary>
    private static readonly Gen<string> Address = Gen.Frequency(
        (4, UsualAddress),
        (6, Gen.Select(LocalAndAt, DomainLike, SlashAndResource).Select((local, domain, resource) => local + domain + resource)),
        (3, Gen.String[JidChar, 0, 40]),
        (1, Gen.String[AnyAscii, 0, 30]));

    [Fact]
    public void Parse_RandomAscii_FastPathGivesTheGeneralPathsAnswer()
    {
        var accepted = 0;
        var refused = 0;
        Address.Sample(
            text =>
            {
                if (AssertSameParse(text))
                {
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            },
            iter: Cases);

        // Neither side of the comparison may be vacuous: the generator must make plenty of both.
        (accepted + refused).Should().BeGreaterThanOrEqualTo(Cases);
        accepted.Should().BeGreaterThan(Cases / 5, "valid addresses exercise the fast paths' results");
        refused.Should().BeGreaterThan(Cases / 5, "invalid addresses exercise the fallback to the general path");
    }

    [Fact]
    public void Create_RandomAsciiParts_FastPathGivesTheGeneralPathsAnswer()
    {
        // Jid.Create takes the parts apart, so a localpart can hold '@' and '/' and a domainpart '/'.
        var optional = Gen.Frequency((1, Gen.Const((string?)null)), (4, Gen.Frequency((3, Segment), (1, Long)).Select(s => (string?)s)));
        Gen.Select(optional, DomainLike, optional).Sample(
            (local, domain, resource) =>
            {
                var fast = Jid.TryCreateCore(local, local is not null, domain, resource, resource is not null, generalOnly: false, out var fastJid, out var fastPart, out var fastError);
                var general = Jid.TryCreateCore(local, local is not null, domain, resource, resource is not null, generalOnly: true, out var generalJid, out var generalPart, out var generalError);
                AssertSame($"{local}|{domain}|{resource}", (fast, fastJid, fastPart, fastError), (general, generalJid, generalPart, generalError));
            },
            iter: Cases);
    }

    [Fact]
    public void Parse_EveryAsciiCharacterInEveryPart_FastPathGivesTheGeneralPathsAnswer()
    {
        for (var c = '\0'; c <= '\x7F'; c++)
        {
            // Alone, first, last and inside each part, and as each part's whole text.
            foreach (var template in new[]
            {
                "{0}", "{0}@example.com", "a{0}b@example.com", "ab{0}@example.com", "{0}ab@example.com",
                "ab@{0}", "ab@{0}.example", "ab@ex{0}ample.com", "ab@example.co{0}", "ab@{0}example.com", "ab@example.{0}", "ab@ab{0}{0}c.com",
                "ab@example.com/{0}", "ab@example.com/a{0}b", "ab@example.com/{0}ab", "example.com/{0}",
            })
            {
                AssertSameParse(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, c));
            }
        }
    }

    [Fact]
    public void Parse_EveryShortStringOfJidCharacters_FastPathGivesTheGeneralPathsAnswer()
    {
        // Every string of up to six of these: each separator next to each other, hyphens in every position of a label,
        // numeric last labels, trailing dots, empty parts and labels, the space in every part, case folding.
        const string Alphabet = "aB1-.@/ ";
        var total = 0;
        var buffer = new char[6];
        for (var length = 0; length <= buffer.Length; length++)
        {
            var indexes = new int[length];
            while (true)
            {
                for (var i = 0; i < length; i++)
                {
                    buffer[i] = Alphabet[indexes[i]];
                }

                AssertSameParse(new string(buffer, 0, length));
                total++;
                var position = length - 1;
                while (position >= 0 && ++indexes[position] == Alphabet.Length)
                {
                    indexes[position--] = 0;
                }

                if (position < 0)
                {
                    break;
                }
            }
        }

        total.Should().Be(299_593); // 8^0 + 8^1 + … + 8^6
    }

    [Theory]
    [InlineData("romeo@montague.example")]
    [InlineData("Romeo@Montague.Example/Orchard Balcony")]
    [InlineData("coven@mix.shakespeare.example")]
    [InlineData("coven@mix.shakespeare.example.")]
    [InlineData("mix.shakespeare.example")]
    [InlineData("a@b")]
    [InlineData("x{y}!#$%*+=?^_`|~@host-1.example-2.org/r@s/t")]
    public void Parse_TypicalAsciiAddress_FastPathGivesTheGeneralPathsAnswer(string text) =>
        AssertSameParse(text).Should().BeTrue();

    [Theory]
    [InlineData(1022, false, true)]
    [InlineData(1023, false, true)]
    [InlineData(1023, true, true)] // the final dot is dropped before the length is counted
    [InlineData(1024, false, false)]
    [InlineData(1024, true, false)]
    public void Parse_DomainpartAtTheLengthLimit_FastPathGivesTheGeneralPathsAnswer(int length, bool finalDot, bool valid)
    {
        var labels = new StringBuilder();
        while (labels.Length < length)
        {
            labels.Append("abcdefg.");
        }

        labels.Length = length;
        labels[^1] = 'h';
        var text = "romeo@" + labels + (finalDot ? "." : string.Empty);

        AssertSameParse(text).Should().Be(valid);
        AssertSameParse(text.ToUpperInvariant()).Should().Be(valid);
    }

    /// <summary>Parses both ways and asserts the same answer; returns whether the text was a valid address.</summary>
    private static bool AssertSameParse(string text)
    {
        var fast = Jid.TryParseCore(text, generalOnly: false, out var fastJid, out var fastPart, out var fastError);
        var general = Jid.TryParseCore(text, generalOnly: true, out var generalJid, out var generalPart, out var generalError);
        AssertSame(text, (fast, fastJid, fastPart, fastError), (general, generalJid, generalPart, generalError));
        return general;
    }

    private static void AssertSame(string input, (bool Ok, Jid Jid, JidPart Part, string? Error) fast, (bool Ok, Jid Jid, JidPart Part, string? Error) general)
    {
        // Plain checks rather than assertions: this runs hundreds of thousands of times, and its message is all it needs.
        var because = "input " + Escape(input);
        Check(fast.Ok == general.Ok, because, $"outcome {fast.Ok} (fast) vs {general.Ok} (general); errors '{fast.Error}' vs '{general.Error}'");
        Check(fast.Part == general.Part, because, $"part {fast.Part} vs {general.Part}");
        Check(fast.Error == general.Error, because, $"error '{fast.Error}' vs '{general.Error}'");
        var (a, b) = (fast.Jid, general.Jid);
        Check(a.IsEmpty == b.IsEmpty, because, "IsEmpty");
        Check(a.Local == b.Local, because, $"Local '{a.Local}' vs '{b.Local}'");
        Check(a.Domain == b.Domain, because, $"Domain '{a.Domain}' vs '{b.Domain}'");
        Check(a.Resource == b.Resource, because, $"Resource '{a.Resource}' vs '{b.Resource}'");
        Check(a.ToString() == b.ToString(), because, $"text '{a}' vs '{b}'");
        Check(a.IsBare == b.IsBare, because, "IsBare");
        Check(a.Equals(b) && b.Equals(a) && a == b, because, "equality");
        Check(a.GetHashCode() == b.GetHashCode(), because, "hash code");
        Check(a.HasCanonicalText == b.HasCanonicalText, because, "HasCanonicalText");
        Check(a.CanonicalText.SequenceEqual(b.CanonicalText), because, "canonical text");
        Check(a.Bare.ToString() == b.Bare.ToString() && a.Bare.CanonicalText.SequenceEqual(b.Bare.CanonicalText), because, "bare address");
    }

    private static void Check(bool condition, string because, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"fast and general paths differ for {because}: {what}");
        }
    }

    private static string Escape(string text)
    {
        var shown = new StringBuilder("\"");
        foreach (var c in text.Length > 80 ? text[..40] + "…" + text[^40..] : text)
        {
            shown.Append(c is < ' ' or '\x7F' ? $"\\x{(int)c:X2}" : c.ToString());
        }

        return shown.Append("\" (").Append(text.Length).Append(" characters)").ToString();
    }
}
