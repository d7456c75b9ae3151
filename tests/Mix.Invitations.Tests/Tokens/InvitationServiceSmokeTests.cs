namespace Mix.Invitations.Tests.Tokens;

public class InvitationServiceSmokeTests
{
    [Fact]
    public void Issue_ThenValidateAsInvitee_IsValid()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;

        var result = service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee });

        result.IsValid.Should().BeTrue(result.ToString());
        invitation.Token.Should().HaveLength(38);
    }
}
