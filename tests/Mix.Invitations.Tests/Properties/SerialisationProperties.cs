using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using CsCheck;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Properties;

/// <summary>
/// Every serialisation of one invitation reads to the same value and the same canonical bytes; every link built for
/// an invitation parses back to it. Each property runs <see cref="TokenProperties.Cases"/> generated cases.
/// </summary>
[Collection(Mix.Invitations.Tests.Properties.HeavyTests.Name)]
public class SerialisationProperties
{
    private const string Misc = "urn:xmpp:mix:misc:0";

    // Tokens as the XML and the links might carry them: base64url, plus characters that need escaping in either.
    private static readonly Gen<string> TokenText = Gen.Frequency(
        (3, Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"], 38, 51]),
        (1, Gen.Select(Gen.String[Gen.Char["abcXYZ019-_.~&;=?#%+/:@!$'()*,<>\"é€"], 1, 40], Gen.Bool).Select((s, astral) => astral ? s + "😀" : s)));

    private static readonly Gen<Invitation> InvitationGen =
        Gen.Select(JidGen.Any, JidGen.Optional, JidGen.Optional, TokenText)
            .Select((channel, inviter, invitee, token) => new Invitation(channel, token, inviter, invitee));

    /// <summary>How one child is written: prefix, splits, references, padding.</summary>
    private sealed record Style(int Seed)
    {
        public string Write(string text)
        {
            var random = new Random(Seed);
            var builder = new StringBuilder();
            var inCdata = false;
            foreach (var rune in text.EnumerateRunes())
            {
                var s = rune.ToString();
                var choice = random.Next(10);
                if (inCdata && (choice == 0 || s is "]" or ">"))
                {
                    builder.Append("]]>");
                    inCdata = false;
                }
                else if (!inCdata && choice == 0 && s is not "]")
                {
                    builder.Append("<![CDATA[");
                    inCdata = true;
                }

                if (inCdata)
                {
                    builder.Append(s);
                    continue;
                }

                builder.Append(choice switch
                {
                    1 => string.Create(CultureInfo.InvariantCulture, $"&#x{rune.Value:X};"),
                    2 => string.Create(CultureInfo.InvariantCulture, $"&#{rune.Value};"),
                    3 => "<!-- c -->" + Escape(s),
                    _ => Escape(s),
                });
            }

            if (inCdata)
            {
                builder.Append("]]>");
            }

            return builder.ToString();
        }

        private static string Escape(string s) => s switch
        {
            "&" => "&amp;",
            "<" => "&lt;",
            ">" => "&gt;",
            _ => s,
        };
    }

    private static readonly Gen<(Invitation Invitation, string Xml)> VariantGen =
        Gen.Select(InvitationGen, Gen.Int[0, int.MaxValue]).Select((invitation, seed) => (invitation, Serialise(invitation, new Random(seed))));

    [Fact]
    public void ReadInvitation_AnySerialisationVariant_GivesTheSameInvitationAndCanonicalBytes()
    {
        var cases = 0;
        VariantGen.Sample(
            (invitation, xml) =>
            {
                Interlocked.Increment(ref cases);
                var expected = InvitationCanonicalForm.ToArray(invitation.Channel, invitation.Inviter, invitation.Invitee);
                var settings = new InvitationReaderSettings { MaxInputSize = 64 * 1024 };

                var fromString = InvitationXml.Read<Invitation>(xml, settings);
                using var stream = XmlReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(xml)), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
                var fromBytes = InvitationXml.Read<Invitation>(stream);
                var fromElement = InvitationXml.Read<Invitation>(XElement.Parse(xml, LoadOptions.PreserveWhitespace));

                fromString.Should().Be(invitation, xml);
                fromBytes.Should().Be(invitation, xml);
                fromElement.Should().Be(invitation, xml);
                InvitationCanonicalForm.ToArray(fromString.Channel, fromString.Inviter, fromString.Invitee).Should().Equal(expected, xml);
            },
            iter: TokenProperties.Cases);

        cases.Should().BeGreaterThanOrEqualTo(TokenProperties.Cases);
    }

    [Fact]
    public void IssuedToken_ReadFromAnySerialisationVariant_Validates()
    {
        var (service, _) = TestKeys.Service();
        var cases = 0;
        var gen = Gen.Select(JidGen.Bare, JidGen.Bare, JidGen.Bare, Gen.Int[0, int.MaxValue]).Select((channel, inviter, invitee, seed) =>
        {
            var issued = service.Issue(new InvitationIssueRequest { Channel = channel, Inviter = inviter, Invitee = invitee, Policy = BindingPolicies.InviteeBoundName }).Invitation;
            return (issued, Serialise(issued, new Random(seed)));
        });

        gen.Sample(
            (issued, xml) =>
            {
                Interlocked.Increment(ref cases);
                var read = InvitationXml.Read<Invitation>(xml, new InvitationReaderSettings { MaxInputSize = 64 * 1024 });
                service.Check(read, new InvitationContext { Channel = issued.Channel, Joiner = issued.Invitee }).Reason.Should().Be(InvitationFailureReason.None, xml);
            },
            iter: TokenProperties.Cases);

        cases.Should().BeGreaterThanOrEqualTo(TokenProperties.Cases);
    }

    [Fact]
    public void XmppUriAndLandingLink_BuildThenParse_RoundTrip()
    {
        Uri[] bases = [new("https://invite.example/"), new("https://invite.example/mix/join"), new("http://localhost:8080/i/?lang=en"), new("https://xn--caf-dma.example/é")];
        var cases = 0;
        Gen.Select(InvitationGen, Gen.OneOfConst(bases)).Sample(
            (invitation, landing) =>
            {
                Interlocked.Increment(ref cases);
                var uri = InvitationUri.ToXmppUri(invitation);
                var link = InvitationUri.ToLandingLink(invitation, landing);

                InvitationUri.Parse(uri).Should().Be(invitation, uri);
                InvitationUri.Parse(link).Should().Be(invitation, link);
                uri.Should().MatchRegex("^xmpp:[A-Za-z0-9%._~@/!$&'()*+,;=:-]+\\?join;preauth=[A-Za-z0-9%._~-]+(;inviter=[A-Za-z0-9%._~-]+)?(;invitee=[A-Za-z0-9%._~-]+)?$");
            },
            iter: TokenProperties.Cases);

        cases.Should().BeGreaterThanOrEqualTo(TokenProperties.Cases);
    }

    /// <summary>Writes the invitation in a random one of the forms XML allows for it.</summary>
    private static string Serialise(Invitation invitation, Random random)
    {
        var prefix = random.Next(3) switch
        {
            0 => string.Empty,
            1 => "p:",
            _ => "mix" + random.Next(100).ToString(CultureInfo.InvariantCulture) + ":",
        };
        var declaration = prefix.Length == 0 ? $"xmlns='{Misc}'" : $"xmlns:{prefix.TrimEnd(':')}=\"{Misc}\"";
        var children = new List<string>
        {
            Child("channel", invitation.Channel.ToString()),
            Child("token", invitation.Token),
        };
        if (invitation.Inviter is { } inviter)
        {
            children.Add(Child("inviter", Respell(inviter, random)));
        }

        if (invitation.Invitee is { } invitee)
        {
            children.Add(Child("invitee", Respell(invitee, random)));
        }

        if (random.Next(3) == 0)
        {
            children.Add("<x xmlns='urn:example'><channel>evil@example.com</channel></x>");
        }

        var shuffled = children.OrderBy(_ => random.Next()).ToList();
        var body = new StringBuilder();
        foreach (var child in shuffled)
        {
            body.Append(Padding(random)).Append(child);
        }

        body.Append(Padding(random));
        var element = $"<{prefix}invitation {declaration}>{body}</{prefix}invitation>";
        return random.Next(3) switch
        {
            0 => element,
            1 => $"<message xmlns='jabber:client' to='a@b'>{Padding(random)}<body>hi</body>{element}</message>",
            _ => $"<?xml version='1.0' encoding='UTF-8'?>{Padding(random)}{element}",
        };

        string Child(string name, string text) => $"<{prefix}{name}>{new Style(random.Next()).Write(text)}</{prefix}{name}>";
    }

    // A full JID of the same bare address in another case: the reader keeps only the normalised bare JID.
    private static string Respell(Jid jid, Random random)
    {
        var text = string.Concat(jid.ToString().Select(c => c != 'ß' && random.Next(2) == 0 ? char.ToUpperInvariant(c) : c));
        return random.Next(2) == 0 ? text : text + "/res" + random.Next(10).ToString(CultureInfo.InvariantCulture);
    }

    private static string Padding(Random random) => random.Next(4) switch
    {
        0 => string.Empty,
        1 => "\n  ",
        2 => "<!-- note -->",
        _ => " \t<?pi ignored?>",
    };
}
