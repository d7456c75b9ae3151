using System.Collections.Concurrent;

namespace Mix.Invitations.Component;

/// <summary>
/// A one-node stand-in for the library's redeemer and in-memory ledger: stateless validation first, then, for a
/// use-limited token, a per-token-id use count kept only until the token expires.
/// </summary>
internal sealed class InMemoryRedemption : IInvitationRedemption
{
    private readonly InvitationService _service;
    private readonly ConcurrentDictionary<InvitationTokenId, Uses> _uses = new();

    public InMemoryRedemption(InvitationService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    public ValueTask<InvitationValidationResult> RedeemAsync(Invitation invitation, InvitationContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Consume(_service.TryValidate(invitation, context)));

    public ValueTask<InvitationValidationResult> RedeemTokenAsync(string token, InvitationContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Consume(_service.TryValidateToken(token, context)));

    private InvitationValidationResult Consume(InvitationValidationResult result)
    {
        if (!result.IsValid || !result.Claims.IsUseLimited)
        {
            return result;
        }

        var now = _service.TimeProvider.GetUtcNow();
        foreach (var (id, expired) in _uses)
        {
            if (expired.ExpiresAt <= now)
            {
                _uses.TryRemove(id, out _);
            }
        }

        var uses = _uses.GetOrAdd(result.Claims.TokenId, _ => new Uses(result.Claims.ExpiresAt));
        return Interlocked.Increment(ref uses.Count) <= result.Claims.MaxUses
            ? result
            : InvitationValidationResult.Failure(InvitationFailureReason.UsesExhausted, result.Claims);
    }

    private sealed class Uses(DateTimeOffset expiresAt)
    {
        public int Count;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;
    }
}
