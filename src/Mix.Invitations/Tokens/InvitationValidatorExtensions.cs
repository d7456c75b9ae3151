namespace Mix.Invitations;

/// <summary>Throwing variants of <see cref="IInvitationValidator"/>, for callers that treat a refusal as exceptional.</summary>
public static class InvitationValidatorExtensions
{
    /// <summary>Validates an invitation and returns its claims, or throws when it is refused.</summary>
    /// <param name="validator">The validator.</param>
    /// <param name="invitation">The presented invitation.</param>
    /// <param name="context">Who is joining and the addressed channel.</param>
    /// <returns>The verified claims.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="validator"/> or <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationValidationException">Thrown when the invitation is refused; <see cref="InvitationValidationException.Reason"/> says why.</exception>
    public static InvitationClaims Validate(this IInvitationValidator validator, Invitation invitation, InvitationContext context)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var result = validator.TryValidate(invitation, context);
        return result.IsValid ? result.Claims : throw new InvitationValidationException(result.Reason);
    }

    /// <summary>Validates a bare bearer token and returns its claims, or throws when it is refused.</summary>
    /// <param name="validator">The validator.</param>
    /// <param name="token">The token.</param>
    /// <param name="context">The joiner, if known, and the channel, which is required.</param>
    /// <returns>The verified claims.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="validator"/> or <paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="context"/> names no channel.</exception>
    /// <exception cref="InvitationValidationException">Thrown when the token is refused; <see cref="InvitationValidationException.Reason"/> says why.</exception>
    public static InvitationClaims ValidateToken(this IInvitationValidator validator, string token, InvitationContext context)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var result = validator.TryValidateToken(token, context);
        return result.IsValid ? result.Claims : throw new InvitationValidationException(result.Reason);
    }
}
