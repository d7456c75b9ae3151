using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Security;

/// <summary>
/// The channel check cannot be skipped: a genuine invitation to channel A, presented in a stanza addressed to B, is
/// refused on every entry point, and no entry point accepts a context that names no channel. (It used to be optional:
/// <c>new InvitationContext { Channel = null, Joiner = joiner }</c> skipped the comparison, and a token for A validated anywhere.)
/// </summary>
public class ChannelCheckTests
{
    private static readonly Jid ChannelA = TestKeys.Channel;
    private static readonly Jid ChannelB = TestKeys.OtherChannel;

    public static TheoryData<string> EntryPoints => new(
        "TryValidate", "TryValidate bare token", "Validate", "Validate bare token", "RedeemAsync", "RedeemAsync bare token", "DI validator", "DI redeemer");

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task GenuineTokenForA_PresentedAtB_IsRefusedOnEveryEntryPoint(string entryPoint)
    {
        var (service, redeemer, provider) = Build();
        using var disposeProvider = provider;
        var invitation = service.Issue(new InvitationIssueRequest { Channel = ChannelA, Inviter = TestKeys.Inviter, Policy = BindingPolicies.UnboundName }).Invitation;
        var atA = new InvitationContext { Channel = ChannelA, Joiner = TestKeys.Stranger };
        var atB = new InvitationContext { Channel = ChannelB, Joiner = TestKeys.Stranger };

        // The same entry point admits the invitation at its own channel, so a refusal at B is the channel check's doing.
        (await Run(entryPoint, service, redeemer, provider, invitation, atA)).Should().Be(InvitationFailureReason.None);
        var atBReason = await Run(entryPoint, service, redeemer, provider, invitation, atB);

        // An <invitation/> names its channel, so the tag verifies and the addressed channel differs (ChannelMismatch);
        // a bare token is checked against the addressed channel's key, so it does not verify there (BadSignature).
        atBReason.Should().BeOneOf(InvitationFailureReason.ChannelMismatch, InvitationFailureReason.BadSignature);
    }

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task ContextWithoutChannel_IsMisuseOnEveryEntryPoint(string entryPoint)
    {
        var (service, redeemer, provider) = Build();
        using var disposeProvider = provider;
        var invitation = service.Issue(new InvitationIssueRequest { Channel = ChannelA, Policy = BindingPolicies.UnboundName }).Invitation;

        var act = async () => await Run(entryPoint, service, redeemer, provider, invitation, default);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("context");
    }

    private static async Task<InvitationFailureReason> Run(string entryPoint, InvitationService service, InvitationRedeemer redeemer, ServiceProvider provider, Invitation invitation, InvitationContext context)
    {
        // A bare token (a preauth or link) is presented as Invitation.FromToken with the channel the link names.
        var bare = Invitation.FromToken(invitation.Channel, invitation.Token);
        InvitationValidationResult result;
        switch (entryPoint)
        {
            case "TryValidate":
                service.TryValidate(invitation, context, out result);
                return result.Reason;
            case "TryValidate bare token":
                service.TryValidate(bare, context, out result);
                return result.Reason;
            case "Validate":
                return Thrown(() => service.Validate(invitation, context));
            case "Validate bare token":
                return Thrown(() => service.Validate(bare, context));
            case "RedeemAsync":
                return (await redeemer.RedeemAsync(invitation, context)).Reason;
            case "RedeemAsync bare token":
                return (await redeemer.RedeemAsync(bare, context)).Reason;
            case "DI validator":
                provider.GetRequiredService<IInvitationValidator>().TryValidate(invitation, context, out result);
                return result.Reason;
            case "DI redeemer":
                return (await provider.GetRequiredService<InvitationRedeemer>().RedeemAsync(invitation, context)).Reason;
            default:
                throw new ArgumentOutOfRangeException(nameof(entryPoint), entryPoint, null);
        }
    }

    private static InvitationFailureReason Thrown(Func<InvitationClaims> validate)
    {
        try
        {
            validate();
            return InvitationFailureReason.None;
        }
        catch (InvitationValidationException ex)
        {
            return ex.Reason;
        }
    }

    private static (InvitationService Service, InvitationRedeemer Redeemer, ServiceProvider Provider) Build()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var service = InvitationService.Create(TestKeys.Options(), time);
        var redeemer = new InvitationRedeemer(service, new InMemoryInvitationLedger(time));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 }));
        return (service, redeemer, services.BuildServiceProvider());
    }
}
