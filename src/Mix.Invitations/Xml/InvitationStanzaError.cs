using System.Xml;
using System.Xml.Linq;

namespace Mix.Invitations;

/// <summary>
/// The RFC 6120 §8.3 stanza error a server returns when it refuses an invitation, from the one table every
/// refusal goes through.
/// </summary>
/// <remarks>
/// <para>The table (reason → type / condition, text):</para>
/// <list type="table">
/// <listheader><term>reason</term><description>error</description></listheader>
/// <item><term>Malformed, UnsupportedVersion</term><description><c>modify</c> / <c>bad-request</c>, "The invitation token is malformed."</description></item>
/// <item><term>UnknownKey, BadSignature</term><description><c>auth</c> / <c>forbidden</c>, "The invitation is not valid." — the same error for both, so a client cannot probe for key ids.</description></item>
/// <item><term>PolicyDisabled</term><description><c>cancel</c> / <c>not-allowed</c>, "Invitations of this kind are not accepted here."</description></item>
/// <item><term>LifetimeTooLong</term><description><c>cancel</c> / <c>not-allowed</c>, "The invitation's lifetime is longer than this service accepts."</description></item>
/// <item><term>GrantNotSupported</term><description><c>cancel</c> / <c>not-allowed</c>, "The invitation grants something this service does not offer."</description></item>
/// <item><term>NotYetValid</term><description><c>wait</c> / <c>not-allowed</c>, "The invitation is not valid yet."</description></item>
/// <item><term>Expired</term><description><c>cancel</c> / <c>not-allowed</c>, "The invitation has expired."</description></item>
/// <item><term>ChannelMismatch</term><description><c>modify</c> / <c>bad-request</c>, "The invitation is for another channel."</description></item>
/// <item><term>InviteeMismatch</term><description><c>auth</c> / <c>forbidden</c>, "The invitation was issued to another user."</description></item>
/// <item><term>InviterNotAllowed</term><description><c>auth</c> / <c>forbidden</c>, "The inviter may no longer invite to this channel."</description></item>
/// <item><term>JoinerBanned</term><description><c>auth</c> / <c>forbidden</c>, no text.</description></item>
/// <item><term>Revoked</term><description><c>cancel</c> / <c>not-allowed</c>, "The invitation has been revoked."</description></item>
/// <item><term>UsesExhausted</term><description><c>cancel</c> / <c>not-allowed</c>, "The invitation has already been used."</description></item>
/// <item><term>LedgerUnavailable</term><description><c>wait</c> / <c>internal-server-error</c>, "The invitation cannot be checked now; try again later."</description></item>
/// </list>
/// </remarks>
public readonly struct InvitationStanzaError
{
    /// <summary>The namespace of RFC 6120 stanza error conditions and text.</summary>
    public const string StanzasNamespace = "urn:ietf:params:xml:ns:xmpp-stanzas";

    /// <summary>Initializes a new stanza error.</summary>
    /// <param name="type">The error type: <c>auth</c>, <c>cancel</c>, <c>continue</c>, <c>modify</c> or <c>wait</c>.</param>
    /// <param name="condition">The defined condition, for example <c>forbidden</c>.</param>
    /// <param name="text">Human-readable text, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="type"/> or <paramref name="condition"/> is <see langword="null"/>.</exception>
    public InvitationStanzaError(string type, string condition, string? text)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(condition);
        Type = type;
        Condition = condition;
        Text = text;
    }

    /// <summary>Gets the error type attribute, for example <c>auth</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the defined condition element's name, for example <c>forbidden</c>.</summary>
    public string Condition { get; }

    /// <summary>Gets the text to send in <c>&lt;text/&gt;</c>, or <see langword="null"/> for none.</summary>
    public string? Text { get; }

    /// <summary>Gets the stanza error for a refusal, from the table in the remarks.</summary>
    /// <param name="reason">Why the invitation was refused.</param>
    /// <returns>The stanza error.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="reason"/> is <see cref="InvitationFailureReason.None"/> or undefined.</exception>
    public static InvitationStanzaError For(InvitationFailureReason reason) => reason switch
    {
        InvitationFailureReason.Malformed or InvitationFailureReason.UnsupportedVersion => new("modify", "bad-request", "The invitation token is malformed."),
        InvitationFailureReason.UnknownKey or InvitationFailureReason.BadSignature => new("auth", "forbidden", "The invitation is not valid."),
        InvitationFailureReason.PolicyDisabled => new("cancel", "not-allowed", "Invitations of this kind are not accepted here."),
        InvitationFailureReason.NotYetValid => new("wait", "not-allowed", "The invitation is not valid yet."),
        InvitationFailureReason.Expired => new("cancel", "not-allowed", "The invitation has expired."),
        InvitationFailureReason.LifetimeTooLong => new("cancel", "not-allowed", "The invitation's lifetime is longer than this service accepts."),
        InvitationFailureReason.GrantNotSupported => new("cancel", "not-allowed", "The invitation grants something this service does not offer."),
        InvitationFailureReason.ChannelMismatch => new("modify", "bad-request", "The invitation is for another channel."),
        InvitationFailureReason.InviteeMismatch => new("auth", "forbidden", "The invitation was issued to another user."),
        InvitationFailureReason.InviterNotAllowed => new("auth", "forbidden", "The inviter may no longer invite to this channel."),
        InvitationFailureReason.JoinerBanned => new("auth", "forbidden", null),
        InvitationFailureReason.Revoked => new("cancel", "not-allowed", "The invitation has been revoked."),
        InvitationFailureReason.UsesExhausted => new("cancel", "not-allowed", "The invitation has already been used."),
        InvitationFailureReason.LedgerUnavailable => new("wait", "internal-server-error", "The invitation cannot be checked now; try again later."),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Only a refusal has a stanza error."),
    };

    /// <summary>Gets the stanza error XEP-0407 servers send for an issue an issuance policy refused.</summary>
    /// <param name="reason">The refusal's reason.</param>
    /// <param name="retryAfter">How long to wait before asking again, when known: said in the text (XMPP stanza errors have no retry-after of their own).</param>
    /// <returns><c>auth/forbidden</c> for rights; <c>wait/resource-constraint</c> for rates and capacity.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="reason"/> is None or undefined.</exception>
    public static InvitationStanzaError For(InvitationIssueRefusalReason reason, TimeSpan? retryAfter = null)
    {
        var wait = retryAfter is { } after ? $" Try again in {Math.Max(1, (long)Math.Ceiling(after.TotalSeconds))} s." : string.Empty;
        return reason switch
        {
            InvitationIssueRefusalReason.InviterNotAllowed => new("auth", "forbidden", "You may not invite to this channel."),
            InvitationIssueRefusalReason.ChannelForbidsParticipantInvitations => new("auth", "forbidden", "This channel does not let participants invite."),
            InvitationIssueRefusalReason.PolicyNotAllowed => new("auth", "forbidden", "You may not issue invitations of this kind."),
            InvitationIssueRefusalReason.LifetimeTooLong => new("auth", "forbidden", "You may not issue invitations that live this long."),
            InvitationIssueRefusalReason.TooManyUses => new("auth", "forbidden", "You may not issue invitations with this many uses."),
            InvitationIssueRefusalReason.Refused => new("auth", "forbidden", null),
            InvitationIssueRefusalReason.InviterRateExceeded => new("wait", "resource-constraint", "You have issued too many invitations." + wait),
            InvitationIssueRefusalReason.ChannelRateExceeded => new("wait", "resource-constraint", "This channel has issued too many invitations." + wait),
            InvitationIssueRefusalReason.OutstandingUsesExceeded => new("wait", "resource-constraint", "This channel has too many open invitations." + wait),
            InvitationIssueRefusalReason.LimiterUnavailable or InvitationIssueRefusalReason.InventoryUnavailable => new("wait", "resource-constraint", "Invitations cannot be issued now; try again later."),
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Only a refusal has a stanza error."),
        };
    }

    /// <summary>Writes the <c>&lt;error/&gt;</c> element (in the writer's current default namespace, as RFC 6120 has it inside a stanza).</summary>
    /// <param name="writer">The writer, positioned inside the stanza.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="writer"/> is <see langword="null"/>.</exception>
    public void WriteTo(XmlWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartElement("error");
        writer.WriteAttributeString("type", Type);
        writer.WriteStartElement(Condition, StanzasNamespace);
        writer.WriteEndElement();
        if (Text is not null)
        {
            writer.WriteStartElement("text", StanzasNamespace);
            writer.WriteAttributeString("xml", "lang", null, "en");
            writer.WriteString(Text);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    /// <summary>Builds the <c>&lt;error/&gt;</c> element.</summary>
    /// <param name="stanzaNamespace">The namespace of the enclosing stanza, by default <c>jabber:client</c>.</param>
    /// <returns>The element.</returns>
    public XElement ToXElement(string stanzaNamespace = "jabber:client")
    {
        XNamespace ns = stanzaNamespace ?? string.Empty;
        XNamespace stanzas = StanzasNamespace;
        var error = new XElement(ns + "error", new XAttribute("type", Type), new XElement(stanzas + Condition));
        if (Text is not null)
        {
            error.Add(new XElement(stanzas + "text", new XAttribute(XNamespace.Xml + "lang", "en"), Text));
        }

        return error;
    }

    /// <inheritdoc />
    public override string ToString() => Text is null ? $"{Type}/{Condition}" : $"{Type}/{Condition}: {Text}";
}
