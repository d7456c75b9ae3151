namespace Mix.Invitations.Tests.Tokens;

public class InvitationServiceSmokeTests
{
    [Fact]
    public void Issue_ThenValidateAsInvitee_IsValid()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound());

        var result = service.TryValidate(invitation, new InvitationContext(TestKeys.Invitee, TestKeys.Channel));

        result.IsValid.Should().BeTrue(result.ToString());
        invitation.Token.Should().HaveLength(38);
    }
}
