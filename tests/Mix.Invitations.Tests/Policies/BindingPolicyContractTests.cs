using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Policies;

/// <summary>The same contract over every registered policy: the three built-in ones and a custom one.</summary>
public class BindingPolicyContractTests
{
    private static readonly PartnerDomainPolicy Partner = new("partner.example");
    private static readonly Jid PartnerUser = Jid.Parse("ally@partner.example");

    public static TheoryData<string> PolicyNames => new(Service().Policies.Select(p => p.Name));

    [Fact]
    public void Registry_HoldsBuiltInsAndCustomPolicy() =>
        Service().Policies.Select(p => p.Name).Should().Equal("invitee-bound", "inviter-bound", "unbound", "partner-domain:partner.example");

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void Issue_ThenValidateByAnAdmittedJoiner_IsValidWithThatPolicy(string policy)
    {
        var service = Service();
        var invitation = service.Issue(Request(policy)).Invitation;

        var result = service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = AdmittedJoiner(policy) });

        result.IsValid.Should().BeTrue(result.ToString());
        result.Claims.Policy.Should().Be(policy);
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void Validate_EachBoundFieldChanged_IsBadSignature(string policy)
    {
        var service = Service();
        var invitation = service.Issue(Request(policy)).Invitation;
        service.TryGetPolicy(policy, out var p).Should().BeTrue();
        var joiner = new InvitationContext { Channel = TestKeys.Channel, Joiner = AdmittedJoiner(policy) };

        var changed = new List<Invitation> { new(TestKeys.OtherChannel, invitation.Token, invitation.Inviter, invitation.Invitee) };
        if ((p!.Binds & InvitationBinding.Inviter) != 0)
        {
            changed.Add(new(invitation.Channel, invitation.Token, TestKeys.Stranger, invitation.Invitee));
            changed.Add(new(invitation.Channel, invitation.Token, null, invitation.Invitee));
        }

        if ((p.Binds & InvitationBinding.Invitee) != 0)
        {
            changed.Add(new(invitation.Channel, invitation.Token, invitation.Inviter, TestKeys.Stranger));
            changed.Add(new(invitation.Channel, invitation.Token, invitation.Inviter, null));
        }

        foreach (var presented in changed)
        {
            service.Check(presented, joiner).Reason.Should().Be(InvitationFailureReason.BadSignature, presented.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void Validate_UnboundFieldsChanged_StillValid(string policy)
    {
        var service = Service();
        var invitation = service.Issue(Request(policy)).Invitation;
        service.TryGetPolicy(policy, out var p).Should().BeTrue();
        var presented = new Invitation(
            invitation.Channel,
            invitation.Token,
            (p!.Binds & InvitationBinding.Inviter) != 0 ? invitation.Inviter : TestKeys.Stranger,
            (p.Binds & InvitationBinding.Invitee) != 0 ? invitation.Invitee : TestKeys.Stranger);

        service.Check(presented, new InvitationContext { Channel = TestKeys.Channel, Joiner = AdmittedJoiner(policy) }).IsValid.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void Validate_PolicyDisabledByConfiguration_IsPolicyDisabledAndIssueThrows(string policy)
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var enabled = Service(time);
        var others = enabled.Policies.Select(p => p.Name).Where(n => n != policy).ToList();
        var disabled = InvitationService.Create(TestKeys.Options(o => { o.EnabledPolicies = others; o.DefaultPolicy = others[0]; }), time, [Partner]);
        var invitation = enabled.Issue(Request(policy)).Invitation;

        disabled.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = AdmittedJoiner(policy) }).Reason.Should().Be(InvitationFailureReason.PolicyDisabled);
        disabled.IsPolicyEnabled(policy).Should().BeFalse();
        var act = () => disabled.Issue(Request(policy)).Invitation;
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Policy");
    }

    [Fact]
    public void PartnerPolicy_JoinerFromAnotherDomain_IsInviteeMismatch()
    {
        var service = Service();
        var invitation = service.Issue(Request(Partner.Name)).Invitation;

        service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }).Reason.Should().Be(InvitationFailureReason.InviteeMismatch);
    }

    [Fact]
    public void PartnerPolicy_RegisteredThroughDependencyInjection_WorksEndToEnd()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestKeys.Epoch));
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddBindingPolicy(Partner);
        using var provider = services.BuildServiceProvider();

        var invitation = provider.GetRequiredService<IInvitationIssuer>().Issue(Request(Partner.Name)).Invitation;
        var result = provider.GetRequiredService<IInvitationValidator>().Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = PartnerUser });

        result.IsValid.Should().BeTrue();
        result.Claims.PolicyId.Should().Be(200);
    }

    [Theory]
    [InlineData(3, "reserved")]
    [InlineData(127, "reserved")]
    public void Register_CustomPolicyWithReservedId_Throws(byte id, string message)
    {
        var act = () => InvitationService.Create(TestKeys.Options(), customPolicies: [new PartnerDomainPolicy("x.example", id)]);

        act.Should().Throw<ArgumentException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void Register_TwoCustomPoliciesWithOneId_Throws()
    {
        var act = () => InvitationService.Create(TestKeys.Options(), customPolicies: [new PartnerDomainPolicy("a.example", 201), new PartnerDomainPolicy("b.example", 201)]);

        act.Should().Throw<ArgumentException>().WithMessage("*clashes*");
    }

    private static InvitationService Service(FakeTimeProvider? time = null) =>
        InvitationService.Create(TestKeys.Options(), time ?? new FakeTimeProvider(TestKeys.Epoch), [Partner]);

    private static InvitationIssueRequest Request(string policy) => new()
    {
        Channel = TestKeys.Channel,
        Inviter = TestKeys.Inviter,
        Invitee = TestKeys.Invitee,
        Policy = policy,
    };

    private static Jid AdmittedJoiner(string policy) => policy switch
    {
        BindingPolicies.InviteeBoundName => TestKeys.Invitee,
        _ when policy == Partner.Name => PartnerUser,
        _ => TestKeys.Stranger,
    };
}
