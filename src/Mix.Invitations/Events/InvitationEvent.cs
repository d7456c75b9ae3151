using System.Globalization;
using System.Text;

namespace Mix.Invitations;

/// <summary>
/// One lifecycle event of an invitation, as an <see cref="IInvitationEventSink"/> receives it. It never holds the token:
/// only the <see cref="TokenId"/> (a one-way hash of its tag) and the fields the tag authenticates.
/// </summary>
/// <remarks>Instances are immutable.</remarks>
public sealed class InvitationEvent
{
    /// <summary>Initializes a new event.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="at">When the outcome was decided.</param>
    /// <param name="channel">The channel (bare JID).</param>
    public InvitationEvent(InvitationEventKind kind, DateTimeOffset at, Jid channel)
    {
        Kind = kind;
        At = at;
        Channel = channel;
    }

    /// <summary>Gets what happened.</summary>
    public InvitationEventKind Kind { get; }

    /// <summary>Gets when the outcome was decided, by the clock of the service or redeemer that raised it.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Gets the channel.</summary>
    public Jid Channel { get; }

    /// <summary>Gets the token's id, or <see langword="null"/> for <see cref="InvitationEventKind.RevokedInBulk"/>.</summary>
    public InvitationTokenId? TokenId { get; init; }

    /// <summary>
    /// Gets the inviter the tag authenticates (<c>InvitationClaims.Inviter</c>), or for
    /// <see cref="InvitationEventKind.RevokedInBulk"/> the inviter whose invitations were revoked; otherwise <see langword="null"/>.
    /// </summary>
    public Jid? Inviter { get; init; }

    /// <summary>Gets the invitee the tag binds (<c>InvitationClaims.Invitee</c>), or <see langword="null"/>.</summary>
    public Jid? Invitee { get; init; }

    /// <summary>
    /// Gets who was joining (<see cref="InvitationEventKind.Redeemed"/>, <see cref="InvitationEventKind.Refused"/>) or
    /// acknowledging, as the server authenticated it in the <c>InvitationContext</c>; otherwise <see langword="null"/>.
    /// </summary>
    public Jid? Joiner { get; init; }

    /// <summary>Gets the binding policy's name, or <see langword="null"/> for <see cref="InvitationEventKind.RevokedInBulk"/> and <see cref="InvitationEventKind.Released"/>.</summary>
    public string? Policy { get; init; }

    /// <summary>Gets why a redemption was refused (<see cref="InvitationEventKind.Refused"/>); otherwise <see cref="InvitationFailureReason.None"/>.</summary>
    public InvitationFailureReason Reason { get; init; }

    /// <summary>Gets the cut-off of <see cref="InvitationEventKind.RevokedInBulk"/>; otherwise <see langword="null"/>.</summary>
    public DateTimeOffset? IssuedBefore { get; init; }

    /// <summary>Gets whether a <see cref="InvitationEventKind.Redeemed"/> event is a retry by the same joiner that spent no further use.</summary>
    public bool IsRepeat { get; init; }

    /// <summary>Describes the event (never a token).</summary>
    /// <returns>A short description.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Kind} {Channel} at {At:O}");
        if (TokenId is { } id)
        {
            text.Append(CultureInfo.InvariantCulture, $" token {id}");
        }

        if (Reason != InvitationFailureReason.None)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({Reason})");
        }

        return text.ToString();
    }
}
