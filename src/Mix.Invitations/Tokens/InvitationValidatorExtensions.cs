namespace Mix.Invitations;

/// <summary>The throwing variant of <see cref="IInvitationValidator.TryValidate"/>, for callers that treat a refusal as exceptional.</summary>
public static class InvitationValidatorExtensions
{
    /// <summary>Validates an invitation and returns its claims, or throws when it is refused.</summary>
    /// <param name="validator">The validator.</param>
    /// <param name="invitation">The presented invitation (<see cref="Invitation.FromToken"/> for a bare token).</param>
    /// <param name="context">The addressed channel and who is joining.</param>
    /// <returns>The verified claims.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="validator"/> or <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="context"/> names no channel.</exception>
    /// <exception cref="InvitationValidationException">Thrown when the invitation is refused; <see cref="InvitationValidationException.Reason"/> says why.</exception>
    public static InvitationClaims Validate(this IInvitationValidator validator, Invitation invitation, InvitationContext context)
    {
        ArgumentNullException.ThrowIfNull(validator);
        return validator.TryValidate(invitation, context, out var result) ? result.Claims : throw new InvitationValidationException(result.Reason);
    }
}
