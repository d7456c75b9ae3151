using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Mix.Invitations.Interop.Tests.QXmpp;

/// <summary>
/// XEP-0407 <c>&lt;invitation/&gt;</c> between this library and QXmpp (<c>QXmppMixInvitation</c>, the class a QXmpp
/// client such as Kaidan uses), built from Debian's <c>libqxmpp-dev</c> (issue 21, requirement 6). Every policy, with
/// ASCII and non-ASCII JIDs, in every element we write: QXmpp reads each field exactly as we wrote it, and what QXmpp
/// writes back from those fields reads and validates here. QXmpp writes an unset field as an empty element, which
/// this library reads as absent; emptying a bound address through QXmpp is still refused.
/// </summary>
public sealed class QXmppInvitationTests : IClassFixture<QXmppProgram>
{
    private const string Misc = "urn:xmpp:mix:misc:0";

    private static readonly InvitationService Service = InvitationService.Create(new MixInvitationOptions
    {
        Keys = { new InvitationKeyOptions { Id = 1, Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) } },
    });

    private static readonly Jid Stranger = Jid.Parse("rat@shakespeare.example");

    /// <summary>Name → what is issued and who joins with it (the invitee for invitee-bound, someone else otherwise).</summary>
    private static readonly Dictionary<string, (InvitationIssueRequest Request, Jid Joiner)> Cases = new()
    {
        ["invitee-bound"] = Case("coven@mix.shakespeare.example", "hag66@shakespeare.example", "cat@shakespeare.example", BindingPolicies.InviteeBoundName),
        ["invitee-bound without inviter"] = Case("coven@mix.shakespeare.example", null, "cat@shakespeare.example", BindingPolicies.InviteeBoundName),
        ["inviter-bound"] = Case("coven@mix.shakespeare.example", "hag66@shakespeare.example", null, BindingPolicies.InviterBoundName),
        ["unbound naming its inviter"] = Case("coven@mix.shakespeare.example", "hag66@shakespeare.example", null, BindingPolicies.UnboundName),
        ["unbound"] = Case("coven@mix.shakespeare.example", null, null, BindingPolicies.UnboundName),
        ["invitee-bound, non-ASCII"] = Case("café-crème@mix.shakespeare.example", "ñandú@españa.example", "Ωmega@θέατρο.example", BindingPolicies.InviteeBoundName),
        ["inviter-bound, non-ASCII"] = Case("søster@mix.ålesund.example", "ñ@shakespeare.example", null, BindingPolicies.InviterBoundName),
        ["unbound, non-ASCII"] = Case("茶会@mix.shakespeare.example", null, null, BindingPolicies.UnboundName),
    };

    private readonly QXmppProgram _qxmpp;

    public QXmppInvitationTests(QXmppProgram qxmpp)
    {
        _qxmpp = qxmpp;
    }

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    /// <summary>Our writers' shapes: the element name in the test name, and the XML QXmpp is given.</summary>
    public static TheoryData<string, string> CasesAndShapes
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var name in Cases.Keys)
            {
                foreach (var shape in new[] { "invitation", "message", "invite result", "invitation-ack", "join" })
                {
                    data.Add(name, shape);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndShapes))]
    public async Task QXmppReads_WhatWeWrite_EveryFieldAsWritten(string name, string shape)
    {
        var invitation = await IssueAsync(name);
        var (kind, xml) = shape switch
        {
            "invitation" => ("element", invitation.ToXml()),
            "message" => ("message", $"<message xmlns='jabber:client' to='{Cases[name].Joiner}' type='chat'>{invitation.ToXml()}</message>"),
            "invite result" => ("element", $"<iq xmlns='jabber:client' type='result' id='i1'>{new InviteResult(invitation).ToXml()}</iq>"),
            "invitation-ack" => ("element", $"<message xmlns='jabber:client'>{new InvitationAck(InvitationAckKind.Joined, invitation).ToXml()}</message>"),
            "join" => ("element", $"<iq xmlns='jabber:client' type='set' id='j1'>{new MixJoin(invitation, ["urn:xmpp:mix:nodes:messages"], "cat").ToXml()}</iq>"),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
        if (shape is "invite result" or "invitation-ack")
        {
            xml.Should().Contain("<invitation>", "the <invitation/> inherits the MIX namespace of the element holding it");
        }

        var read = (await _qxmpp.RunAsync([Read(kind, xml)], TestContext.Current.CancellationToken))[0];

        read["error"].Should().BeNull();
        ((bool?)read["found"]).Should().BeTrue($"QXmpp finds the invitation in {xml}");
        if (kind == "element")
        {
            ((int?)read["accepted"]).Should().Be(1, "exactly one element is a MIX invitation to QXmppMixInvitation::isMixInvitation");
        }

        ((string?)read["channel"]).Should().Be(invitation.Channel.ToString());
        ((string?)read["inviter"]).Should().Be(invitation.Inviter?.ToString() ?? string.Empty);
        ((string?)read["invitee"]).Should().Be(invitation.Invitee?.ToString() ?? string.Empty);
        ((string?)read["token"]).Should().Be(invitation.Token);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task WeReadAndValidate_WhatQXmppWritesBack(string name)
    {
        // A QXmpp client receives the invitation in a message, then passes it on: in a message of its own, as a bare
        // element, or inside a MIX join (QXmpp 1.4 has no join-with-invitation, so a client writes the element into one).
        var invitation = await IssueAsync(name);
        var joiner = Cases[name].Joiner;
        var cancellationToken = TestContext.Current.CancellationToken;
        var received = (await _qxmpp.RunAsync([Read("message", $"<message xmlns='jabber:client' to='{joiner}'>{invitation.ToXml()}</message>")], cancellationToken))[0];
        var written = await _qxmpp.RunAsync([Write("element", received), Write("message", received, to: joiner.ToString())], cancellationToken);
        var element = (string)written[0]["xml"]!;
        var message = (string)written[1]["xml"]!;
        string[] forms = [element, message, $"<iq type='set'><join xmlns='urn:xmpp:mix:core:1'>{element}</join></iq>"];

        foreach (var xml in forms)
        {
            var read = xml.Contains("<join", StringComparison.Ordinal) ? InvitationXml.Read<MixJoin>(xml).Invitation : InvitationXml.Read<Invitation>(xml);

            read.Should().Be(invitation, xml);
            Service.TryValidate(read, new InvitationContext { Channel = invitation.Channel, Joiner = joiner }, out var result).Should().BeTrue($"{result} for {xml}");
        }
    }

    [Theory]
    [InlineData("inviter-bound")]
    [InlineData("unbound")]
    [InlineData("invitee-bound without inviter")]
    public async Task QXmppWritesAnUnsetAddressAsAnEmptyElement_WhichWeReadAsAbsent(string name)
    {
        var invitation = await IssueAsync(name);

        var written = (await _qxmpp.RunAsync([Write("element", Fields(invitation))], TestContext.Current.CancellationToken))[0];

        var element = XElement.Parse((string)written["xml"]!);
        element.Name.Should().Be(XName.Get("invitation", Misc));
        var unset = new[] { ("inviter", invitation.Inviter), ("invitee", invitation.Invitee) }.Where(f => f.Item2 is null).Select(f => f.Item1).ToList();
        unset.Should().NotBeEmpty();
        foreach (var field in unset)
        {
            var child = element.Element(XName.Get(field, Misc));
            child.Should().NotBeNull($"QXmpp 1.4 writes every field, an unset <{field}> too: {element}");
            child!.IsEmpty.Should().BeTrue();
        }

        var read = InvitationXml.Read<Invitation>(element);
        read.Inviter.Should().Be(invitation.Inviter);
        read.Invitee.Should().Be(invitation.Invitee);
    }

    [Theory]
    [InlineData("invitee-bound", "invitee")]
    [InlineData("invitee-bound", "inviter")]
    [InlineData("invitee-bound, non-ASCII", "invitee")]
    [InlineData("invitee-bound without inviter", "invitee")]
    [InlineData("inviter-bound", "inviter")]
    [InlineData("inviter-bound, non-ASCII", "inviter")]
    public async Task BoundAddressEmptiedThroughQXmpp_IsRefused(string name, string emptied)
    {
        // The empty-element rule must not turn a bound token into a bearer one: QXmpp writes the emptied field as an
        // empty element, we read it as absent, and the tag (which covers it) no longer matches.
        var invitation = await IssueAsync(name);
        var fields = Fields(invitation);
        fields[emptied] = string.Empty;

        var written = (await _qxmpp.RunAsync([Write("element", fields)], TestContext.Current.CancellationToken))[0];
        var read = InvitationXml.Read<Invitation>((string)written["xml"]!);

        (emptied == "invitee" ? read.Invitee : read.Inviter).Should().BeNull();
        foreach (var joiner in new[] { Cases[name].Joiner, Stranger })
        {
            Service.TryValidate(read, new InvitationContext { Channel = invitation.Channel, Joiner = joiner }, out var result).Should().BeFalse();
            result.Reason.Should().Be(InvitationFailureReason.BadSignature);
        }
    }

    private static (InvitationIssueRequest, Jid) Case(string channel, string? inviter, string? invitee, string policy)
    {
        var request = new InvitationIssueRequest
        {
            Channel = Jid.Parse(channel),
            Inviter = inviter is null ? null : Jid.Parse(inviter),
            Invitee = invitee is null ? null : Jid.Parse(invitee),
            Policy = policy,
        };
        return (request, request.Invitee ?? Stranger);
    }

    private static async Task<Invitation> IssueAsync(string name)
    {
        var result = await Service.IssueAsync(Cases[name].Request, TestContext.Current.CancellationToken);
        result.IsIssued.Should().BeTrue(result.ToString());
        return result.Issued.Invitation;
    }

    private static JsonObject Read(string kind, string xml) => new() { ["op"] = "read", ["kind"] = kind, ["xml"] = xml };

    /// <summary>The four fields as QXmpp holds them: an unset address is the empty string.</summary>
    private static JsonObject Fields(Invitation invitation) => new()
    {
        ["inviter"] = invitation.Inviter?.ToString() ?? string.Empty,
        ["invitee"] = invitation.Invitee?.ToString() ?? string.Empty,
        ["channel"] = invitation.Channel.ToString(),
        ["token"] = invitation.Token,
    };

    /// <summary>A write operation with the fields QXmpp read (or made up), set as a QXmpp client would set them.</summary>
    private static JsonObject Write(string kind, JsonObject fields, string? to = null)
    {
        var operation = new JsonObject { ["op"] = "write", ["kind"] = kind };
        foreach (var field in new[] { "inviter", "invitee", "channel", "token" })
        {
            operation[field] = (string?)fields[field] ?? string.Empty;
        }

        if (to is not null)
        {
            operation["to"] = to;
        }

        return operation;
    }
}
