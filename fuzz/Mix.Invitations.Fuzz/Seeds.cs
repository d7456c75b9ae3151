using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using static Mix.Invitations.Tests.Shared.AdversarialInputs;

namespace Mix.Invitations.Fuzz;

/// <summary>The starting inputs of each target: genuine invitations in the forms they travel in.</summary>
internal static class Seeds
{
    public static void Write(string root)
    {
        var genuine = FuzzTargets.Genuine;
        var tokens = new List<byte[]>();
        foreach (var invitation in genuine)
        {
            tokens.Add([0, .. Encoding.UTF8.GetBytes(invitation.Token)]);
            tokens.Add([1, .. Base64Url.DecodeFromChars(invitation.Token)]);
            tokens.Add([2, (byte)tokens.Count, 0, 0, 1]);
        }

        var xml = new List<string>();
        var uris = new List<string>();
        foreach (var invitation in genuine)
        {
            xml.Add(invitation.ToXml());
            xml.Add(new MixJoin(invitation, ["urn:xmpp:mix:nodes:messages"], "third witch").ToXml());
            uris.Add(InvitationUri.ToXmppUri(invitation));
            uris.Add(InvitationUri.ToLandingLink(invitation, new Uri("https://invite.example/join")));
        }

        xml.Add("<message to='cat@shakespeare.example'><body>hi</body><x:invitation xmlns:x='urn:xmpp:mix:misc:0'><x:channel><![CDATA[coven@mix]]>.shakespeare.example</x:channel><!-- c --><x:token>&#x41;BC</x:token></x:invitation></message>");
        xml.Add("<iq type='set'><client-join xmlns='urn:xmpp:mix:pam:2'><join xmlns='urn:xmpp:mix:core:1'><invitation><channel>coven@mix.shakespeare.example</channel><token>T</token></invitation></join></client-join></iq>");
        uris.Add("xmpp:coven@mix.shakespeare.example?mix&preauth=T");
        uris.Add("xmpp://hag66@shakespeare.example/coven@mix.shakespeare.example?join;preauth=T");

        Write(Path.Combine(root, "token"), tokens);
        Write(Path.Combine(root, "invitation"), xml.Select(Encoding.UTF8.GetBytes));
        Write(Path.Combine(root, "uri"), uris.Select(Encoding.UTF8.GetBytes));
        WriteCostInputs(root);

        var dict = Path.Combine(root, "..", "dict");
        Directory.CreateDirectory(dict);
        foreach (var target in FuzzTargets.All.Keys)
        {
            var lines = Dictionaries.For(target).Select(w => "\"" + Escape(w) + "\"");
            File.WriteAllLines(Path.Combine(dict, target + ".dict"), lines);
        }
    }

    /// <summary>
    /// Writes the worst inputs of issue 14 (tests/Shared/AdversarialInputs.cs) as <c>cost-*</c> files: each was
    /// quadratic once, so the corpus replay and every fuzzing run keep going through them. Each fits its reader's limit.
    /// </summary>
    public static void WriteCostInputs(string root)
    {
        foreach (var (target, name, text) in CostInputs())
        {
            var directory = Path.Combine(root, target);
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, "cost-" + name), target == "token" ? [0, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text));
        }
    }

    /// <summary>The worst inputs: (target, name, text).</summary>
    public static IEnumerable<(string Target, string Name, string Text)> CostInputs()
    {
        // The reported attack: a 16 KiB <invitation> whose <channel> is 16 000 KATAKANA MIDDLE DOTs, a Han character and
        // a domain (2.5 s before the fix).
        yield return ("invitation", "katakana-middle-dot-channel", Document("invitation/channel", JidPartFamilies["katakana-middle-dot"](16_000)));
        yield return ("invitation", "arabic-indic-digits-inviter", Document("invitation/inviter", JidPartFamilies["arabic-indic-digits"](16_000)));
        yield return ("invitation", "extended-arabic-indic-digits-invitee", Document("invitation/invitee", JidPartFamilies["extended-arabic-indic-digits"](16_000)));
        yield return ("invitation", "combining-230-220-channel-resourcepart", Document("invitation/channel-resourcepart", JidPartFamilies["combining-230-220"](16_000)));
        yield return ("invitation", "combining-230-220-join-inviter", Document("join/inviter", JidPartFamilies["combining-230-220"](16_000)));
        yield return ("invitation", "combining-230-220-localpart-under-the-bound", Document("invitation/channel", JidPartFamilies["combining-230-220"](1_533)));
        yield return ("invitation", "combining-descending-classes-resourcepart", Document("invitation/channel-resourcepart", JidPartFamilies["combining-descending-classes"](16_000)));
        yield return ("invitation", "marks-between-soft-hyphens-domainpart", Document("invitation/channel-domainpart", DomainFamilies["marks-between-soft-hyphens"](16_000)));
        yield return ("invitation", "ipv6-zone-id-with-markup", Document("invitation/channel-domainpart", EscapeText("[fe80::1%<x> *\u00E9]")));
        yield return ("invitation", "many-attributes", Document("invitation", attributes: XmlAttributeFamilies["many-attributes"](16_000)));
        yield return ("invitation", "many-namespace-declarations", Document("invitation", attributes: XmlAttributeFamilies["many-namespace-declarations"](16_000)));
        yield return ("invitation", "many-empty-elements", Document("invitation", content: XmlContentFamilies["many-empty-elements"](16_000)));
        yield return ("uri", "katakana-middle-dot-inviter", "xmpp:coven@mix.example?join;preauth=" + Token + ";inviter=" + PercentEncode(JidPartFamilies["katakana-middle-dot"](880) + "@example.org"));
        yield return ("uri", "combining-230-220-channel", "xmpp:" + PercentEncode(JidPartFamilies["combining-230-220"](1_300)) + "@mix.example?join;preauth=" + Token);
        yield return ("uri", "over-the-length-limit", "xmpp:coven@mix.example?join;preauth=" + Token + ";x=" + Repeat("y", 16_000));
        yield return ("token", "long-base64url", Repeat("A", 16_000));
    }

    private static void Write(string directory, IEnumerable<byte[]> inputs)
    {
        Directory.CreateDirectory(directory);
        foreach (var input in inputs)
        {
            File.WriteAllBytes(Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(input))[..40]), input);
        }
    }

    // libFuzzer dictionary syntax: printable ASCII as is, '"' and '\' escaped, everything else as \xNN bytes.
    private static string Escape(string word)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(word))
        {
            builder.Append(b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return builder.ToString();
    }
}
