namespace Mix.Invitations;

/// <summary>Checks presented invitations statelessly: no storage is read or written.</summary>
/// <remarks>Implementations are thread-safe; a bad token is an ordinary result, never an exception.</remarks>
public interface IInvitationValidator
{
    /// <summary>Validates an invitation presented in a <c>&lt;join/&gt;</c>.</summary>
    /// <param name="invitation">The presented invitation.</param>
    /// <param name="context">Who is joining (the stanza's server-stamped <c>from</c>) and the addressed channel (its <c>to</c>).</param>
    /// <returns>Valid with the token's claims, or the reason it was refused.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    InvitationValidationResult TryValidate(Invitation invitation, InvitationContext context);

    /// <summary>
    /// Validates a bare token, as carried by a XEP-0379 <c>&lt;preauth/&gt;</c> element or an
    /// <c>xmpp:…?join;preauth=…</c> link, for the channel in <paramref name="context"/>.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="context">The joiner, if known, and the channel, which is required.</param>
    /// <returns>Valid with the token's claims, or the reason it was refused. Tokens whose policy binds an inviter or invitee are refused here (the tag covers fields this call does not have); present them as an <see cref="Invitation"/>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="context"/> names no channel.</exception>
    InvitationValidationResult TryValidateToken(string token, InvitationContext context);
}
