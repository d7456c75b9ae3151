using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// Offline narrowing: whoever holds an invitation can make a copy that admits fewer people, for less time, fewer times
/// or with fewer grants, with no key and no call to the service — and never a wider one (docs/token-format.md section 14).
/// </summary>
/// <remarks>
/// <para>
/// Each restriction is a step of a MAC chain keyed by the token's tag; the copy carries the restrictions and only the
/// final tag, so removing or changing a restriction needs a tag its holder never had. A validator with the channel key
/// recomputes the chain from the original's tag and refuses any change as <see cref="InvitationFailureReason.BadSignature"/>.
/// </para>
/// <para>
/// A copy is the same invitation to the ledger (the same <see cref="InvitationClaims.TokenId"/>): its uses count against
/// the original's limit, revoking the original revokes it, and a use limit on the copy is counted on top
/// (<see cref="InvitationClaims.CopyLimits"/>). Narrowing can never multiply uses.
/// </para>
/// <example>
/// A moderator holding a 10-use bearer link hands one newcomer a copy only they can use, valid for a day:
/// <code>
/// var result = bearerLink.Narrow(new InvitationRestrictions { Invitee = newcomer, ExpiresAt = DateTimeOffset.UtcNow.AddDays(1) });
/// if (result.IsNarrowed) Send(newcomer, result.Invitation);
/// </code>
/// </example>
/// </remarks>
public static class InvitationNarrowing
{
    /// <summary>The most restrictions a token carries, over every narrowing it went through.</summary>
    public const int MaxRestrictions = TokenRestrictionCodec.MaxRestrictions;

    /// <summary>Narrows an invitation by one or more restrictions.</summary>
    /// <param name="invitation">The invitation to narrow: as issued, with grants, or already narrowed.</param>
    /// <param name="restrictions">The restrictions to append.</param>
    /// <returns>The narrowed invitation, or why it could not be narrowed (a malformed token, a restriction that would not narrow it, too many restrictions): never an exception for a bad token.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <see cref="InvitationRestrictions.Invitee"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <see cref="InvitationRestrictions.MaxUses"/> is outside 1–65535.</exception>
    public static InvitationNarrowingResult Narrow(this Invitation invitation, InvitationRestrictions restrictions)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ArgumentNullException.ThrowIfNull(restrictions);
        JidArgument.ThrowIfEmpty(restrictions.Invitee, nameof(restrictions));
        if (restrictions.MaxUses is { } asked && asked is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(restrictions), asked, "A copy's use limit must be between 1 and 65535.");
        }

        if (restrictions is { Invitee: null, ExpiresAt: null, MaxUses: null, KeepGrants: null, KeepNodes: null })
        {
            return InvitationNarrowingResult.Failed(InvitationNarrowingError.NothingRequested, "No restriction was asked for.");
        }

        Span<byte> bytes = stackalloc byte[TokenCodec.MaxTokenBytes];
        if (TokenCodec.TryDecode(invitation.Token, bytes, out var header, out var parts, decodeText: true) != InvitationFailureReason.None)
        {
            return InvitationNarrowingResult.Failed(InvitationNarrowingError.Malformed, "The token is not a well-formed token of format v1.");
        }

        var current = parts.Summarize();
        var appended = new List<TokenRestriction>(4);
        var failure = AddGrants(parts, current, restrictions, appended)
            ?? AddUses(header, current, restrictions.MaxUses, appended)
            ?? AddExpiry(header, current, restrictions.ExpiresAt, appended)
            ?? AddInvitee(invitation, header, current, restrictions.Invitee, appended);
        if (failure is not null)
        {
            return failure;
        }

        if (current.Count + appended.Count > MaxRestrictions)
        {
            return InvitationNarrowingResult.Failed(
                InvitationNarrowingError.TooManyRestrictions,
                string.Create(CultureInfo.InvariantCulture, $"The token carries {current.Count} restrictions; {appended.Count} more would pass the limit of {MaxRestrictions}."));
        }

        var invitee = restrictions.Invitee is { } restricted ? restricted.Bare : invitation.Invitee;
        var inviteeText = invitee.HasValue ? invitee.GetValueOrDefault().Bare.CanonicalText : default;
        var token = invitation.Token;
        foreach (var restriction in appended)
        {
            // Checked above, so each step succeeds: the result is always a token a validator parses.
            TokenNarrowing.TryNarrow(token, restriction, inviteeText, out var narrowed);
            token = narrowed!;
        }

        return InvitationNarrowingResult.Narrowed(new Invitation(invitation.Channel, token, invitation.Inviter, invitee));
    }

    private static InvitationNarrowingResult? AddGrants(in TokenParts parts, in TokenChainSummary current, InvitationRestrictions restrictions, List<TokenRestriction> appended)
    {
        if (restrictions.KeepGrants is null && restrictions.KeepNodes is null)
        {
            return null;
        }

        if (parts.Grants.IsEmpty)
        {
            return NotNarrower("The token grants nothing, so it has no grants to narrow.");
        }

        var keptKinds = (byte)((byte?)restrictions.KeepGrants ?? TokenRestrictionCodec.KnownKindBits);
        var keptNodes = (ushort)((ushort?)restrictions.KeepNodes ?? TokenGrantsCodec.KnownNodes);
        var before = ClaimsExtras.EffectiveGrants(parts.GrantsRead, current.KeptKinds, current.KeptNodes);
        var after = ClaimsExtras.EffectiveGrants(parts.GrantsRead, (byte)(current.KeptKinds & keptKinds), (ushort)(current.KeptNodes & keptNodes));
        if (before == after)
        {
            return NotNarrower("Keeping these grants removes none of the token's.");
        }

        appended.Add(TokenRestriction.KeepingGrants((byte)(keptKinds & TokenRestrictionCodec.KnownKindBits), (ushort)(keptNodes & TokenGrantsCodec.KnownNodes)));
        return null;
    }

    private static InvitationNarrowingResult? AddUses(in TokenHeader header, in TokenChainSummary current, int? maxUses, List<TokenRestriction> appended)
    {
        if (maxUses is not { } uses)
        {
            return null;
        }

        var limit = Math.Min(header.IsUseLimited ? header.MaxUses : int.MaxValue, current.MaxUses == 0 ? int.MaxValue : current.MaxUses);
        if (uses >= limit)
        {
            return NotNarrower(string.Create(CultureInfo.InvariantCulture, $"The token allows at most {limit} {(limit == 1 ? "use" : "uses")}; a copy must allow fewer."));
        }

        // The nonce makes each copy's counter its own: two copies limited to one use each get one use each.
        Span<byte> nonce = stackalloc byte[8];
        RandomNumberGenerator.Fill(nonce);
        appended.Add(TokenRestriction.LimitingUses((ushort)uses, BinaryPrimitives.ReadUInt64BigEndian(nonce)));
        return null;
    }

    private static InvitationNarrowingResult? AddExpiry(in TokenHeader header, in TokenChainSummary current, DateTimeOffset? expiresAt, List<TokenRestriction> appended)
    {
        if (expiresAt is not { } asked)
        {
            return null;
        }

        var seconds = asked.ToUnixTimeSeconds(); // rounded down: never later than asked
        var effective = current.ExpiresAt != 0 ? Math.Min(current.ExpiresAt, header.ExpiresAt) : header.ExpiresAt;
        if (seconds >= effective)
        {
            return NotNarrower(string.Create(CultureInfo.InvariantCulture, $"The token expires at {DateTimeOffset.FromUnixTimeSeconds(effective):O}; a copy must expire earlier."));
        }

        if (seconds <= header.IssuedAt)
        {
            return NotNarrower(string.Create(CultureInfo.InvariantCulture, $"The token was issued at {DateTimeOffset.FromUnixTimeSeconds(header.IssuedAt):O}; a copy must expire after that."));
        }

        appended.Add(TokenRestriction.Expiring((uint)seconds));
        return null;
    }

    private static InvitationNarrowingResult? AddInvitee(Invitation invitation, in TokenHeader header, in TokenChainSummary current, Jid? restricted, List<TokenRestriction> appended)
    {
        if (restricted is not { } asked)
        {
            return null;
        }

        // Already bound, by the built-in invitee-bound policy or an earlier narrowing: the same invitee narrows nothing,
        // another would need the presented invitee to be two JIDs at once.
        var bound = current.HasInvitee || header.PolicyId == BindingPolicies.InviteeBound.Id;
        if (bound)
        {
            return invitation.Invitee is { } invitee && invitee.Bare == asked.Bare
                ? NotNarrower("The token is already bound to this invitee.")
                : InvitationNarrowingResult.Failed(InvitationNarrowingError.InviteeConflict, "The token is already bound to another invitee; a copy for someone else would admit nobody.");
        }

        appended.Add(TokenRestriction.ToInvitee());
        return null;
    }

    private static InvitationNarrowingResult NotNarrower(string message) => InvitationNarrowingResult.Failed(InvitationNarrowingError.NotNarrower, message);
}
