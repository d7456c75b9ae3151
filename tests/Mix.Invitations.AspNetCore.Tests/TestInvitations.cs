using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.AspNetCore.Tests;

/// <summary>Real invitations, issued by the library at a chosen instant, and the landing links it builds for them.</summary>
internal static class TestInvitations
{
    public static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");

    public static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");

    public static readonly Jid Invitee = Jid.Parse("cat@shakespeare.example");

    /// <summary>
    /// Issues an invitation at <paramref name="issuedAt"/>: invitee-bound when an invitee is given, else inviter-bound
    /// (the link names the inviter), else unbound.
    /// </summary>
    public static async Task<Invitation> IssueAsync(DateTimeOffset issuedAt, TimeSpan lifetime, Jid? inviter = null, Jid? channel = null, Jid? invitee = null)
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
        var service = InvitationService.Create(options, new FakeTimeProvider(issuedAt));
        var result = await service.IssueAsync(
            new InvitationIssueRequest
            {
                Channel = channel ?? Channel,
                Inviter = inviter,
                Invitee = invitee,
                Policy = invitee is not null ? BindingPolicies.InviteeBoundName : inviter is null ? BindingPolicies.UnboundName : BindingPolicies.InviterBoundName,
                Lifetime = lifetime,
            },
            TestContext.Current.CancellationToken);
        return result.IsIssued ? result.Issued.Invitation : throw new InvalidOperationException($"The test expected an issued invitation: {result}.");
    }

    /// <summary>Issues an unbound invitation at <paramref name="issuedAt"/> with a use limit and grants, as a moderator's bearer link.</summary>
    public static async Task<Invitation> IssueWithGrantsAsync(DateTimeOffset issuedAt, TimeSpan lifetime, int maxUses, InvitationGrants? grants)
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
        var service = InvitationService.Create(options, new FakeTimeProvider(issuedAt));
        var result = await service.IssueAsync(
            new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName, Lifetime = lifetime, MaxUses = maxUses, Grants = grants },
            TestContext.Current.CancellationToken);
        return result.IsIssued ? result.Issued.Invitation : throw new InvalidOperationException($"The test expected an issued invitation: {result}.");
    }

    /// <summary>A token's expiry as the page writes it in its &lt;time datetime&gt;: UTC, to the second.</summary>
    public static string ExpiryIso(Invitation invitation) =>
        InvitationTokenHeader.TryRead(invitation.Token, out var header)
            ? header.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("The test's token has no readable header.");

    public static DateTimeOffset Expiry(Invitation invitation) =>
        InvitationTokenHeader.TryRead(invitation.Token, out var header) ? header.ExpiresAt : throw new InvalidOperationException("The test's token has no readable header.");
}
