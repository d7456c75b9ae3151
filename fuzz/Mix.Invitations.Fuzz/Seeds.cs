using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

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
            xml.Add(InvitationXml.ToXml(invitation));
            xml.Add(InvitationXml.ToXml(new MixJoin(invitation, ["urn:xmpp:mix:nodes:messages"], "third witch")));
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

        var dict = Path.Combine(root, "..", "dict");
        Directory.CreateDirectory(dict);
        foreach (var target in FuzzTargets.All.Keys)
        {
            var lines = Dictionaries.For(target).Select(w => "\"" + Escape(w) + "\"");
            File.WriteAllLines(Path.Combine(dict, target + ".dict"), lines);
        }
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
