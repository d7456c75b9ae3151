namespace Mix.Invitations;

/// <summary>
/// The use limit of a narrowed copy of a token (a uses restriction, docs/token-format.md section 14): the copy's own
/// id and how many of the original's uses it may take. A ledger counts a use against the original and against every
/// copy limit along the chain, in one decision (<see cref="InvitationLedgerRequest.CopyLimits"/>).
/// </summary>
/// <param name="CopyId">The copy's id: a hash of the chain tag right after its uses restriction, unique per copy and unforgeable without the token.</param>
/// <param name="MaxUses">How many uses the copy may take, 1 to 65535.</param>
public readonly record struct InvitationCopyLimit(InvitationTokenId CopyId, int MaxUses);
