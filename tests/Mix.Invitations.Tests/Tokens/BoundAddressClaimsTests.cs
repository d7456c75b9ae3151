namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// The claims name the inviter and invitee only when the tag covers them: what a ledger may compare with an inviter's
/// bulk revocation must be authentic, never the unsigned address a presenter wrote into the invitation.
/// </summary>
public class BoundAddressClaimsTests
{
    private static readonly Jid FullInviter = Jid.Parse("hag66@shakespeare.example/pda");

    [Fact]
    public void InviteeBound_BothAddresses_AtIssueAndAtValidation()
    {
        var (service, _) = TestKeys.Service();
        var issued = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = FullInviter, Invitee = TestKeys.Invitee, Policy = BindingPolicies.InviteeBoundName });

        issued.Claims.Inviter.Should().Be(TestKeys.Inviter, "the bare form is what the tag covers");
        issued.Claims.Invitee.Should().Be(TestKeys.Invitee);

        var validated = service.Check(issued.Invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee });
        validated.IsValid.Should().BeTrue();
        validated.Claims.Inviter.Should().Be(TestKeys.Inviter);
        validated.Claims.Invitee.Should().Be(TestKeys.Invitee);
    }

    [Fact]
    public void InviterBound_InviterOnly()
    {
        var (service, _) = TestKeys.Service();
        var issued = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Policy = BindingPolicies.InviterBoundName });

        issued.Claims.Inviter.Should().Be(TestKeys.Inviter);
        issued.Claims.Invitee.Should().BeNull();
        var validated = service.Check(issued.Invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger });
        validated.Claims.Inviter.Should().Be(TestKeys.Inviter);
        validated.Claims.Invitee.Should().BeNull();
    }

    [Fact]
    public void Unbound_NoAddress_EvenWhenTheInvitationNamesOne()
    {
        var (service, _) = TestKeys.Service();
        var issued = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Policy = BindingPolicies.UnboundName });

        issued.Claims.Inviter.Should().BeNull("the tag of an unbound token does not cover the inviter");
        var presented = new Invitation(TestKeys.Channel, issued.Token, TestKeys.Stranger, TestKeys.Invitee);
        var validated = service.Check(presented, new InvitationContext { Channel = TestKeys.Channel });
        validated.IsValid.Should().BeTrue();
        validated.Claims.Inviter.Should().BeNull("an address the presenter wrote is not authentic");
        validated.Claims.Invitee.Should().BeNull();
    }
}
