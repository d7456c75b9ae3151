#if MIX_INVITATIONS_XML
using BenchmarkDotNet.Attributes;
using static Mix.Invitations.Tests.Shared.AdversarialInputs;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Issue 14: for each reader of untrusted input, the worst 16 KiB input found against a plain 16 KiB input of the
/// same reader (the baseline). Target: <b>the worst costs at most 20 × the plain one</b>. Before the fix the reported
/// <c>&lt;channel&gt;</c> alone cost ~2.5 s, some 20 000 × a plain input.
/// </summary>
/// <remarks>
/// <para>
/// "Plain": the reader's ordinary input made 16 KiB long with text it has to read but that costs nothing special (an
/// unknown child element of ASCII text in the XML readers, an unknown query pair in a link, ASCII in a JID part).
/// </para>
/// <para>
/// "Worst": the most expensive inputs found for the reader, chosen by measuring every family of
/// tests/Shared/AdversarialInputs.cs in every slot, at 16 KiB (refused early by the length bounds) and just under
/// those bounds (the whole enforcement runs), one JID or all of them, against the plain input, interleaved, in
/// thread CPU time. Two rows: the worst content (what the library itself works on: JID parts of 1 533 code points
/// just under the bound, alternating combining marks that NFC cannot shorten, or three JIDs each made of parts that
/// NFC composes 3 to 1; in a link, such a part percent-encoded; in <c>&lt;preauth/&gt;</c>, which holds no JID,
/// character references) and the worst markup (what System.Xml works on: namespace declarations filling the element's
/// start tag; in a link, escaped unknown keys; in a JID, an internationalised domain padded with soft hyphens).
/// docs/benchmarks.md records the run.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class CostBenchmarks
{
    private const int Size = 16 * 1024;

    private static readonly InvitationReaderSettings LongLinks = new() { MaxUriLength = Size };

    private InvitationService _service = null!;
    private InvitationContext _context;
    private Func<string, bool> _read = null!;
    private string _plain = null!;
    private string _worst = null!;
    private string _markup = null!;

    // The labels are the ones docs/benchmarks.md recorded before issue 15 gave the readers one generic pair
    // (TryReadMixJoin is now InvitationXml.TryRead<MixJoin>, TryValidateToken is TryValidate of Invitation.FromToken):
    // kept, so a new run is compared with the recorded one row by row.
    [Params("Jid.TryParse", "TryReadInvitation", "TryReadMixJoin", "TryReadInviteRequest", "TryReadInviteResult", "TryReadPreauth", "TryReadInvitationAck", "InvitationUri.TryParse", "TryValidateToken")]
    public string Reader { get; set; } = "Jid.TryParse";

    /// <summary>Gets a localpart of 1 533 code points, one under the bound, that NFC cannot shorten: alternating marks.</summary>
    private static string MarksLocalpart => "a" + Repeat("\u0301\u0316", 766);

    /// <summary>Gets a valid full JID whose every part is enforced in full: 511 × "u" + two marks (composing to U+01D6) in the localpart and resourcepart, an IDN domain.</summary>
    private static string HeavyJid => Repeat("u\u0308\u0304", 511) + "@" + Repeat("\u00E9", 50) + ".example/" + Repeat("u\u0308\u0304", 511);

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _context = Fixture.Context();
        (_read, _plain, _worst, _markup) = Reader switch
        {
            "Jid.TryParse" => (ReadJid, "cat@example.org/" + Repeat("a", Size - 16), Pad(MarksLocalpart + "@example.org/", Size), "cat@" + Repeat("\u00E9", 1000) + Repeat("\u00AD", Size - 1013) + ".ex"),
            "TryReadInvitation" => (Xml("invitation"), PlainDocument("invitation"), ThreeJids("invitation"), Namespaces("invitation")),
            "TryReadMixJoin" => (Xml("join"), PlainDocument("join"), ThreeJids("join"), Namespaces("join")),
            "TryReadInviteRequest" => (Xml("invite"), PlainDocument("invite"), PadDocument(Document("invite/invitee", MarksLocalpart)), Namespaces("invite")),
            "TryReadInviteResult" => (Xml("invite-result"), PlainDocument("invite-result"), ThreeJids("invite-result"), Namespaces("invite-result")),
            "TryReadPreauth" => (Xml("preauth"), PlainDocument("preauth"), PadDocument(Document("preauth", content: XmlContentFamilies["many-character-references"](Size - 120))), Namespaces("preauth")),
            "TryReadInvitationAck" => (Xml("invitation-ack"), PlainDocument("invitation-ack"), ThreeJids("invitation-ack"), Namespaces("invitation-ack")),
            "InvitationUri.TryParse" => (ReadLink, PadLink(PlainLink), PadLink(PlainLink + ";inviter=" + PercentEncode(MarksLocalpart + "@example.org")), PlainLink + Repeat(";%78=y", (Size - PlainLink.Length) / 6)),
            "TryValidateToken" => (ValidateToken, Repeat("A", Size), Repeat("\u00E9", Size), Repeat("%", Size)),
            _ => throw new InvalidOperationException(Reader),
        };

        foreach (var input in new[] { _plain, _worst, _markup })
        {
            if (input.Length is > Size or < Size - 256)
            {
                throw new InvalidOperationException($"{Reader}: an input is {input.Length} characters, not 16 KiB.");
            }
        }
    }


    [Benchmark(Baseline = true, Description = "plain 16 KiB")]
    public bool Plain() => _read(_plain);

    [Benchmark(Description = "worst 16 KiB: content")]
    public bool Worst() => _read(_worst);

    [Benchmark(Description = "worst 16 KiB: markup")]
    public bool WorstMarkup() => _read(_markup);

    private static Func<string, bool> Xml(string reader) => reader switch
    {
        "invitation" => xml => InvitationXml.TryRead<Invitation>(xml, out _, out _),
        "join" => xml => InvitationXml.TryRead<MixJoin>(xml, out _, out _),
        "invite" => xml => InvitationXml.TryRead<InviteRequest>(xml, out _, out _),
        "invite-result" => xml => InvitationXml.TryRead<InviteResult>(xml, out _, out _),
        "preauth" => xml => InvitationXml.TryRead<Preauth>(xml, out _, out _),
        _ => xml => InvitationXml.TryRead<InvitationAck>(xml, out _, out _),
    };

    private static bool ReadJid(string text) => Jid.TryParse(text, out _);

    private static bool ReadLink(string text) => InvitationUri.TryParse(text, out _, out _, LongLinks);

    private bool ValidateToken(string text) => _service.TryValidate(Invitation.FromToken(_context.Channel, text), _context, out _);

    private static string PlainLink => "xmpp:coven@mix.example?join;preauth=" + Token;

    private static string PlainDocument(string reader) => PadDocument(Document(reader));

    /// <summary>The reader's document with 16 KiB of namespace declarations on its element: System.Xml's costliest markup found.</summary>
    private static string Namespaces(string reader)
    {
        var document = Document(reader, attributes: XmlAttributeFamilies["many-namespace-declarations"](Size));
        while (document.Length > Size)
        {
            document = Document(reader, attributes: XmlAttributeFamilies["many-namespace-declarations"](Size - (document.Length - Size) - 20));
        }

        return document;
    }

    /// <summary>Three JIDs (inviter, invitee, channel) each enforced in full, escaped for XML, in the reader's document.</summary>
    private static string ThreeJids(string reader)
    {
        var jid = EscapeText(HeavyJid);
        var invitation = $"<inviter>{jid}</inviter><invitee>{jid}</invitee><channel>{jid}</channel><token>{Token}</token>";
        var document = reader switch
        {
            "join" => $"<join xmlns='{Core}'><invitation xmlns='{Misc}'>{invitation}</invitation></join>",
            "invite-result" => $"<invite xmlns='{Misc}'><invitation>{invitation}</invitation></invite>",
            "invitation-ack" => $"<invitation-ack xmlns='{Misc}'><value>Joined</value><invitation>{invitation}</invitation></invitation-ack>",
            _ => $"<invitation xmlns='{Misc}'>{invitation}</invitation>",
        };
        return PadDocument(document);
    }

    /// <summary>Pads a document to 16 KiB with an unknown child element of ASCII text, right after its first start tag.</summary>
    private static string PadDocument(string document)
    {
        var need = Size - document.Length - "<pad></pad>".Length;
        var at = document.IndexOf('>', StringComparison.Ordinal) + 1;
        return need <= 0 ? document : document[..at] + "<pad>" + Repeat("a", need) + "</pad>" + document[at..];
    }

    /// <summary>Pads a link to 16 KiB with an unknown query pair.</summary>
    private static string PadLink(string link) => link + ";pad=" + Repeat("a", Size - link.Length - 5);

    private static string Pad(string text, int length) => text + Repeat("a", length - text.Length);
}
#endif
