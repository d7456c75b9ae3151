using System.Diagnostics.CodeAnalysis;

namespace Mix.Invitations;

/// <summary>The outcome of <see cref="InvitationNarrowing.Narrow"/>: the narrowed invitation, or why there is none.</summary>
public sealed class InvitationNarrowingResult
{
    private InvitationNarrowingResult(Invitation? invitation, InvitationNarrowingError error, string? message)
    {
        Invitation = invitation;
        Error = error;
        Message = message;
    }

    /// <summary>Gets a value indicating whether the invitation was narrowed.</summary>
    [MemberNotNullWhen(true, nameof(Invitation))]
    [MemberNotNullWhen(false, nameof(Message))]
    public bool IsNarrowed => Error == InvitationNarrowingError.None;

    /// <summary>Gets the narrowed invitation: the same channel and inviter, the restricted invitee when one was asked for, and the narrowed token.</summary>
    public Invitation? Invitation { get; }

    /// <summary>Gets why the invitation was not narrowed, or <see cref="InvitationNarrowingError.None"/>.</summary>
    public InvitationNarrowingError Error { get; }

    /// <summary>Gets a sentence saying which restriction failed and why (never the token), or <see langword="null"/> when narrowed.</summary>
    public string? Message { get; }

    internal static InvitationNarrowingResult Narrowed(Invitation invitation) => new(invitation, InvitationNarrowingError.None, null);

    internal static InvitationNarrowingResult Failed(InvitationNarrowingError error, string message) => new(null, error, message);

    /// <inheritdoc />
    public override string ToString() => IsNarrowed ? "narrowed" : $"not narrowed: {Error}: {Message}";
}
