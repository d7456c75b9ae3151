using Microsoft.Extensions.Options;

namespace Mix.Invitations.Internal;

/// <summary>
/// The per-field ranges declared on <see cref="MixInvitationOptions"/> and <see cref="InvitationKeyOptions"/>, checked by
/// code the <c>[OptionsValidator]</c> source generator writes (no reflection, so it stays trim- and AOT-safe).
/// Rules that relate fields to each other, to the clock or to the registered policies are in
/// <see cref="MixInvitationOptionsCrossFieldValidator"/>.
/// </summary>
[OptionsValidator]
internal sealed partial class MixInvitationOptionsValidator : IValidateOptions<MixInvitationOptions>
{
}
