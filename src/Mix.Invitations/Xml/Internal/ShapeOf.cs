using static Mix.Invitations.Internal.InvitationXmlReaderCore;

namespace Mix.Invitations.Internal;

/// <summary>
/// The reader shape of a wire element type, resolved once per type from the closed set in
/// <see cref="InvitationParsers"/>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal static class ShapeOf<T>
    where T : WireElement
{
    // Null for WireElement itself and any type without a shape; the miss is reported where the shape is asked for,
    // not from the type initialiser (which would surface as a TypeInitializationException).
    private static readonly Shape<T>? Resolved =
        (object)InvitationParsers.InvitationShape as Shape<T>
        ?? (object)InvitationParsers.MixJoinShape as Shape<T>
        ?? (object)InvitationParsers.InviteRequestShape as Shape<T>
        ?? (object)InvitationParsers.InviteResultShape as Shape<T>
        ?? (object)InvitationParsers.InvitationAckShape as Shape<T>
        ?? (object)InvitationParsers.PreauthShape as Shape<T>;

    /// <summary>Gets the shape of <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    public static Shape<T> Value => Resolved ?? throw new NotSupportedException(
        $"{typeof(T).Name} cannot be read: the type argument must be one of the element types Invitation, MixJoin, InviteRequest, InviteResult, InvitationAck or Preauth.");
}
