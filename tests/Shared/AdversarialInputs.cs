using System.Text;

namespace Mix.Invitations.Tests.Shared;

/// <summary>
/// The inputs of issue 14's algorithmic-complexity attacks and of the families found while fixing them: text that
/// made a reader of untrusted input do work that grows faster than the input. Each family builds a JID part (or a
/// whole document or link) of about <c>n</c> UTF-16 characters, so a test can measure the same family at two sizes and
/// a benchmark can put the worst one in a 16 KiB input.
/// </summary>
/// <remarks>
/// Linked into the test project (Security/CostTests.cs), the benchmarks (CostBenchmarks.cs) and the fuzz harness
/// (the seeds of the corpus), so the three use the same inputs.
/// </remarks>
internal static class AdversarialInputs
{
    /// <summary>The namespace of XEP-0407's elements.</summary>
    public const string Misc = "urn:xmpp:mix:misc:0";

    /// <summary>The namespace of MIX core (XEP-0369) <c>&lt;join/&gt;</c>.</summary>
    public const string Core = "urn:xmpp:mix:core:1";

    /// <summary>The namespace of XEP-0379 <c>&lt;preauth/&gt;</c>.</summary>
    public const string Pars = "urn:xmpp:pars:0";

    /// <summary>A token-shaped string (the readers do not check tokens; validation does).</summary>
    public const string Token = "AQADAWlWXIBpVlyQ2r8kPCeNBd0fZkODpGYrng";

    /// <summary>
    /// Families of JID-part text, by name: each function returns about <c>n</c> UTF-16 characters. The first ones are
    /// the attacks of issue 14; the rest cover every contextual rule, mapping and check a part goes through.
    /// </summary>
    public static IReadOnlyDictionary<string, Func<int, string>> JidPartFamilies { get; } = new Dictionary<string, Func<int, string>>(StringComparer.Ordinal)
    {
        // RFC 5892 A.7: every KATAKANA MIDDLE DOT asked whether the string holds Hiragana, Katakana or Han; the Han
        // character at the end made each question scan the whole string (the reported 2.5 s <channel>).
        ["katakana-middle-dot"] = n => Repeat("\u30FB", n - 1) + "\u6F22",

        // RFC 5892 A.8: every ARABIC-INDIC DIGIT asked whether the string holds an extended Arabic-Indic digit.
        ["arabic-indic-digits"] = n => "\u0628" + Repeat("\u0661", n - 1),

        // RFC 5892 A.9: the same question the other way round.
        ["extended-arabic-indic-digits"] = n => "\u0628" + Repeat("\u06F1", n - 1),

        // A.8 and A.9 together: refused, but only once the mixed digit is found.
        ["arabic-indic-mixed-digits"] = n => "\u0628" + Repeat("\u0661", n - 2) + "\u06F1",

        // Canonical reordering: marks of classes 230 and 220 alternate, so every 220 mark has to move in front of every
        // 230 mark before it. ICU's normaliser (string.Normalize, IdnMapping) sorts by insertion: quadratic.
        ["combining-230-220"] = n => "a" + Repeat("\u0301\u0316", (n - 1) / 2),

        // The same, worst case: blocks of marks of eight classes in descending order (240, 233, 232, 230, 220, 216, 202,
        // 1), so every mark has to move in front of all the marks of the blocks before it: n²/2 steps, not n²/8.
        ["combining-descending-classes"] = n => "a" + string.Concat("\u0345\u035C\u0315\u0301\u0316\u031B\u0321\u0334".Select(mark => Repeat(mark.ToString(), (n - 1) / 8))),

        // A long run of combining marks of one class: nothing to reorder.
        ["combining-same-class"] = n => "a" + Repeat("\u0301", n - 1),

        // RFC 5892 A.1: ZERO WIDTH NON-JOINER between dual-joining letters with transparent marks around it.
        ["zwnj-joining-context"] = n => Repeat("\u0628\u064B\u200C\u064B", n / 4) + "\u0628",

        // RFC 5892 A.2: ZERO WIDTH JOINER after a virama.
        ["zwj-after-virama"] = n => Repeat("\u0915\u094D\u200D", n / 3) + "\u0915",

        // RFC 5893 bidi rule: a right-to-left label with European digits, which the rule checks to the end.
        ["bidi-rtl-with-digits"] = n => Repeat("\u05D01", n / 2) + "\u05D0",

        // RFC 5892 A.4 and A.5/A.6: KERAIA before Greek, GERESH after Hebrew.
        ["greek-keraia"] = n => Repeat("\u0375\u03B1", n / 2),
        ["hebrew-geresh"] = n => Repeat("\u05D0\u05F3", n / 2) + "\u05D0",

        // Unicode Final_Sigma: every capital sigma looks around itself for cased letters past case-ignorable marks.
        ["final-sigma"] = n => "a" + Repeat("\u03A3\u0301", (n - 1) / 2),

        // Width mapping shrinks nothing in characters but every fullwidth letter is three UTF-8 bytes.
        ["fullwidth"] = n => Repeat("\uFF21", n),

        // Ordinary text, for comparison.
        ["plain-ascii"] = n => Repeat("a", n),
        ["plain-latin"] = n => Repeat("\u00E9", n),
    };

    /// <summary>Families of domainpart text beyond <see cref="JidPartFamilies"/>: what only IDNA and IP literals see.</summary>
    public static IReadOnlyDictionary<string, Func<int, string>> DomainFamilies { get; } = new Dictionary<string, Func<int, string>>(StringComparer.Ordinal)
    {
        // UTS #46 deletes SOFT HYPHEN, so marks separated by it still form one run for the normaliser.
        ["marks-between-soft-hyphens"] = n => "a" + Repeat("\u0301\u00AD\u0316\u00AD", (n - 1) / 4),

        // Many labels.
        ["many-labels"] = n => Repeat("a.", (n - 1) / 2) + "b",

        // One long non-ASCII label.
        ["long-idn-label"] = n => Repeat("\u00E9", n - 12) + ".example",

        // An IPv6 literal with a long zone id.
        ["ipv6-zone-id"] = n => "[fe80::1%" + Repeat("x", n - 10) + "]",

        // Something that looks like an IPv6 literal all along.
        ["ipv6-long-groups"] = n => "[" + Repeat("0:", (n - 4) / 2) + ":1]",
    };

    /// <summary>Families of structure inside a reader's element, by name: each returns about <c>n</c> characters of XML content.</summary>
    public static IReadOnlyDictionary<string, Func<int, string>> XmlContentFamilies { get; } = new Dictionary<string, Func<int, string>>(StringComparer.Ordinal)
    {
        ["many-empty-elements"] = n => Repeat("<x/>", n / 4),
        ["many-nested-pairs"] = n => Repeat("<x><y/></x>", n / 11),
        ["many-comments"] = n => Repeat("<!---->", n / 7),
        ["many-processing-instructions"] = n => Repeat("<?p?>", n / 5),
        ["many-prefixed-elements"] = n => Repeat("<p:x xmlns:p='u'/>", n / 18),
        ["many-character-references"] = n => "<pad>" + Repeat("&#x61;", (n - 11) / 6) + "</pad>",
        ["many-cdata-sections"] = n => "<pad>" + Repeat("<![CDATA[a]]>", (n - 11) / 13) + "</pad>",
        ["plain-text"] = n => "<pad>" + Repeat("a", n - 11) + "</pad>",
    };

    /// <summary>Families of start-tag content, by name: each returns about <c>n</c> characters of attributes.</summary>
    public static IReadOnlyDictionary<string, Func<int, string>> XmlAttributeFamilies { get; } = new Dictionary<string, Func<int, string>>(StringComparer.Ordinal)
    {
        ["many-attributes"] = n => Numbered(n, i => $" a{i}=''"),
        ["many-namespace-declarations"] = n => Numbered(n, i => $" xmlns:p{i}='u{i}'"),
        ["many-prefixed-attributes"] = n => " xmlns:p='u'" + Numbered(n - 12, i => $" p:a{i}=''"),
        ["long-attribute-value"] = n => " pad='" + Repeat("a", n - 7) + "'",
    };

    /// <summary>
    /// The JID slots of the readers of <see cref="InvitationXml"/>, by name: the family's text is the localpart of the
    /// JID in that element (as in the reported attack), or its domainpart or resourcepart where the slot says so.
    /// </summary>
    public static IReadOnlyList<string> XmlJidSlots { get; } =
    [
        "invitation/channel", "invitation/channel-domainpart", "invitation/channel-resourcepart", "invitation/inviter",
        "invitation/invitee", "join/inviter", "invite/invitee", "invite-result/channel", "invitation-ack/channel",
    ];

    /// <summary>The readers of <see cref="InvitationXml"/>, by element name.</summary>
    public static IReadOnlyList<string> XmlReaders { get; } = ["invitation", "join", "invite", "invite-result", "preauth", "invitation-ack"];

    /// <summary>Repeats a unit <paramref name="count"/> times.</summary>
    public static string Repeat(string unit, int count)
    {
        var builder = new StringBuilder(unit.Length * Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            builder.Append(unit);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Builds the document a reader reads, with <paramref name="jid"/> in the slot named by <paramref name="slot"/>
    /// (a JID slot of <see cref="XmlJidSlots"/>, or just a reader's name), <paramref name="content"/> among the
    /// target element's children and <paramref name="attributes"/> in its start tag.
    /// </summary>
    public static string Document(string slot, string? jid = null, string content = "", string attributes = "")
    {
        var reader = slot.Split('/')[0];
        var at = slot.Contains('/', StringComparison.Ordinal) ? slot[(slot.IndexOf('/', StringComparison.Ordinal) + 1)..] : string.Empty;
        string Pick(string name, string plain) => at == name && jid is not null ? jid + "@example.org" : plain;
        var channel = at switch
        {
            "channel-resourcepart" => "coven@mix.example/" + jid,
            "channel-domainpart" => "coven@" + jid,
            _ => Pick("channel", "coven@mix.example"),
        };
        var inner = $"<inviter>{Pick("inviter", "hag66@example.org")}</inviter><invitee>{Pick("invitee", "cat@example.org")}</invitee><channel>{channel}</channel><token>{Token}</token>";
        return reader switch
        {
            "invitation" => $"<invitation xmlns='{Misc}'{attributes}>{content}{inner}</invitation>",
            "join" => $"<join xmlns='{Core}'{attributes}>{content}<invitation xmlns='{Misc}'>{inner}</invitation></join>",
            "invite" => $"<invite xmlns='{Misc}'{attributes}>{content}<invitee>{Pick("invitee", "cat@example.org")}</invitee></invite>",
            "invite-result" => $"<invite xmlns='{Misc}'{attributes}>{content}<invitation>{inner}</invitation></invite>",
            "preauth" => $"<preauth xmlns='{Pars}' token='{Token}'{attributes}>{content}</preauth>",
            "invitation-ack" => $"<invitation-ack xmlns='{Misc}'{attributes}>{content}<value>Joined</value><invitation>{inner}</invitation></invitation-ack>",
            _ => throw new ArgumentOutOfRangeException(nameof(slot), slot, "no such reader"),
        };
    }

    /// <summary>Escapes text for an XML text node.</summary>
    public static string EscapeText(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);

    /// <summary>Percent-encodes text as a link's query value or path (every non-unreserved character as UTF-8 escapes).</summary>
    public static string PercentEncode(string text) => Uri.EscapeDataString(text);

    private static string Numbered(int n, Func<int, string> item)
    {
        var builder = new StringBuilder(n);
        for (var i = 0; builder.Length < n; i++)
        {
            builder.Append(item(i));
        }

        return builder.ToString();
    }
}
