namespace Mix.Invitations;

/// <summary>
/// Decides which fields a token binds and who may redeem it. The three built-in policies are in
/// <see cref="BindingPolicies"/>; a server can add its own (for example "anyone at a partner domain").
/// </summary>
/// <remarks>
/// <para>
/// A policy's <see cref="Id"/> is signed into every token it issues, so nobody can swap the policy after issue.
/// Ids 1–127 are reserved for this library; custom policies use 128–255. An id must never be reused for a
/// policy with other rules while tokens issued under the old one may still be presented.
/// </para>
/// <para>
/// Implementations must be thread-safe and cheap: <see cref="IsRedeemableBy"/> runs on every validation, after
/// the tag has verified, and should not allocate.
/// </para>
/// </remarks>
public interface IInvitationBindingPolicy
{
    /// <summary>Gets the policy id signed into the token header.</summary>
    byte Id { get; }

    /// <summary>Gets the policy's name, used in configuration and telemetry, for example <c>invitee-bound</c>.</summary>
    string Name { get; }

    /// <summary>Gets the fields the token's tag covers; always includes <see cref="InvitationBinding.Channel"/>.</summary>
    InvitationBinding Binds { get; }

    /// <summary>Checks that an issue request fits the policy (for example that an invitee is named).</summary>
    /// <param name="request">The request.</param>
    /// <exception cref="ArgumentException">Thrown when the request does not fit; <see cref="ArgumentException.ParamName"/> names the field.</exception>
    void ValidateRequest(InvitationIssueRequest request);

    /// <summary>Decides whether the user in <paramref name="context"/> may redeem a verified token.</summary>
    /// <param name="context">The verified invitation's fields and the joiner.</param>
    /// <returns><see langword="true"/> to admit; <see langword="false"/> refuses with <see cref="InvitationFailureReason.InviteeMismatch"/>.</returns>
    bool IsRedeemableBy(in InvitationBindingContext context);
}
