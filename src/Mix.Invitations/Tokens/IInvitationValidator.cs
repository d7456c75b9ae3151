namespace Mix.Invitations;

/// <summary>Checks presented invitations statelessly: no storage is read or written.</summary>
/// <remarks>
/// Implementations are thread-safe; a bad token is an ordinary result, never an exception. For a bare token (a
/// XEP-0379 <c>&lt;preauth/&gt;</c> or an <c>xmpp:…?join;preauth=…</c> link) pass <see cref="Invitation.FromToken"/>.
/// <see cref="InvitationValidatorExtensions.Validate"/> is the throwing variant.
/// </remarks>
public interface IInvitationValidator
{
    /// <summary>Validates an invitation presented in a <c>&lt;join/&gt;</c>, or a bare token made into one with <see cref="Invitation.FromToken"/>.</summary>
    /// <param name="invitation">The presented invitation.</param>
    /// <param name="context">The addressed channel (the stanza's <c>to</c>) and who is joining (its server-stamped <c>from</c>).</param>
    /// <param name="result">The outcome: the token's claims when valid; otherwise the reason it was refused and the stanza error to send (and the claims, when the tag verified).</param>
    /// <returns><see langword="true"/> when the invitation is valid for this context.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="context"/> names no channel (<c>default(InvitationContext)</c>).</exception>
    bool TryValidate(Invitation invitation, InvitationContext context, out InvitationValidationResult result);
}
