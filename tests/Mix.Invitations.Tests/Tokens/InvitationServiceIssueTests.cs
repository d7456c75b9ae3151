namespace Mix.Invitations.Tests.Tokens;

public class InvitationServiceIssueTests
{
    [Fact]
    public void Issue_InviteeBound_CarriesNormalisedBareJidsAndA38CharacterToken()
    {
        var (service, _) = TestKeys.Service();

        var invitation = service.Issue(new InvitationRequest
        {
            Channel = Jid.Parse("Coven@Mix.Shakespeare.Example/ignored"),
            Inviter = Jid.Parse("HAG66@shakespeare.example/broom"),
            Invitee = Jid.Parse("Cat@Shakespeare.Example"),
        });

        invitation.Channel.ToString().Should().Be("coven@mix.shakespeare.example");
        invitation.Inviter.ToString().Should().Be("hag66@shakespeare.example");
        invitation.Invitee.ToString().Should().Be("cat@shakespeare.example");
        invitation.Token.Should().HaveLength(38).And.MatchRegex("^[A-Za-z0-9_-]+$");
    }

    [Theory]
    [InlineData(BindingPolicies.InviteeBoundName, null, 38)]
    [InlineData(BindingPolicies.InviterBoundName, null, 38)]
    [InlineData(BindingPolicies.UnboundName, null, 38)]
    [InlineData(BindingPolicies.InviteeBoundName, 1, 51)]
    [InlineData(BindingPolicies.UnboundName, 65535, 51)]
    public void Issue_EachPolicy_HasDocumentedTokenLength(string policy, int? maxUses, int length)
    {
        var (service, _) = TestKeys.Service();
        var request = new InvitationRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Invitee = TestKeys.Invitee, Policy = policy, MaxUses = maxUses };

        service.Issue(request).Token.Length.Should().Be(length).And.BeLessThanOrEqualTo(maxUses is null ? 40 : 56);
    }

    [Fact]
    public void Issue_NoLifetime_UsesSevenDaysByDefault()
    {
        var (service, time) = TestKeys.Service();

        var invitation = service.Issue(TestKeys.InviteeBound());
        var claims = service.Validate(invitation, new InvitationContext(TestKeys.Invitee, TestKeys.Channel));

        claims.IssuedAt.Should().Be(time.GetUtcNow());
        claims.ExpiresAt.Should().Be(time.GetUtcNow().AddDays(7));
    }

    [Fact]
    public void Issue_UseLimitedTwice_GivesDistinctTokensAndIds()
    {
        var (service, _) = TestKeys.Service();

        var a = service.Issue(TestKeys.InviteeBound(maxUses: 1));
        var b = service.Issue(TestKeys.InviteeBound(maxUses: 1));

        a.Token.Should().NotBe(b.Token, "the random nonce keeps two use-limited tokens apart");
        var context = new InvitationContext(TestKeys.Invitee, TestKeys.Channel);
        service.Validate(a, context).TokenId.Should().NotBe(service.Validate(b, context).TokenId);
        service.Validate(a, context).MaxUses.Should().Be(1);
    }

    [Fact]
    public void Issue_NoPolicyNamed_UsesConfiguredDefault()
    {
        var (service, _) = TestKeys.Service(o => o.DefaultPolicy = BindingPolicies.UnboundName);

        var invitation = service.Issue(new InvitationRequest { Channel = TestKeys.Channel });

        service.TryValidateToken(invitation.Token, new InvitationContext(null, TestKeys.Channel)).Claims.Policy.Should().Be(BindingPolicies.UnboundName);
    }

    public static TheoryData<string, InvitationRequest> BadRequests => new()
    {
        { "Channel", new InvitationRequest { Channel = default, Invitee = TestKeys.Invitee } },
        { "Invitee", new InvitationRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Policy = BindingPolicies.InviteeBoundName } },
        { "Inviter", new InvitationRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.InviterBoundName } },
        { "Lifetime", new InvitationRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Lifetime = TimeSpan.Zero } },
        { "Lifetime", new InvitationRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Lifetime = TimeSpan.FromSeconds(-1) } },
        { "Lifetime", new InvitationRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Lifetime = TimeSpan.FromDays(30).Add(TimeSpan.FromTicks(1)) } },
        { "MaxUses", new InvitationRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, MaxUses = 0 } },
        { "MaxUses", new InvitationRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, MaxUses = 65536 } },
        { "Policy", new InvitationRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Policy = "no-such-policy" } },
        { "Inviter", new InvitationRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Inviter = default(Jid) } },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Issue_RequestNotFittingPolicyOrLimits_ThrowsArgumentExceptionNamingField(string field, InvitationRequest request)
    {
        var (service, _) = TestKeys.Service();

        var act = () => service.Issue(request);
        var actToken = () => service.IssueToken(request);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(field);
        actToken.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(field);
    }

    [Fact]
    public void Issue_PolicyDisabledByConfiguration_ThrowsNamingPolicy()
    {
        var (service, _) = TestKeys.Service(o => o.EnabledPolicies = [BindingPolicies.InviteeBoundName]);

        var act = () => service.Issue(new InvitationRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName });

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Policy");
    }

    [Fact]
    public void Issue_LifetimeAtConfiguredMaximum_IsAccepted()
    {
        var (service, _) = TestKeys.Service(o =>
        {
            o.DefaultLifetime = TimeSpan.FromDays(1); // the maximum may not be below the default
            o.MaxLifetime = TimeSpan.FromDays(2);
        });

        var act = () => service.Issue(TestKeys.InviteeBound(TimeSpan.FromDays(2)));
        var tooLong = () => service.Issue(TestKeys.InviteeBound(TimeSpan.FromDays(2).Add(TimeSpan.FromSeconds(1))));

        act.Should().NotThrow();
        tooLong.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Lifetime");
    }

    [Fact]
    public void Issue_NoKeyMaySignNow_ThrowsInvalidOperation()
    {
        // Valid at start (validation refuses a ring no key of which may sign); the only key retires a day later.
        var (service, time) = TestKeys.Service(o => o.Keys[0].SignUntil = TestKeys.Epoch.AddDays(1));
        time.Advance(TimeSpan.FromDays(2));

        var act = () => service.Issue(TestKeys.InviteeBound());

        act.Should().Throw<InvalidOperationException>().WithMessage("*No key*");
    }

    [Fact]
    public void Issue_NullRequest_ThrowsArgumentNull()
    {
        var (service, _) = TestKeys.Service();

        var act = () => service.Issue(null!);
        var actToken = () => service.IssueToken(null!);

        act.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("request");
        actToken.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("request");
    }

    [Theory]
    [InlineData(BindingPolicies.InviteeBoundName)]
    [InlineData(BindingPolicies.InviterBoundName)]
    [InlineData(BindingPolicies.UnboundName)]
    public void IssueToken_IsTheTokenIssueWouldCarry_AndValidatesWithTheRequestsJids(string policy)
    {
        var (service, _) = TestKeys.Service();
        var request = new InvitationRequest
        {
            Channel = Jid.Parse("Coven@Mix.Shakespeare.Example/ignored"),
            Inviter = Jid.Parse("HAG66@shakespeare.example/broom"),
            Invitee = Jid.Parse("Cat@Shakespeare.Example"),
            Policy = policy,
        };

        // Same clock, no nonce: the token is a function of the request, so both entry points give the same one.
        var token = service.IssueToken(request);
        var invitation = service.Issue(request);

        token.Should().Be(invitation.Token);
        var presented = new Invitation(request.Channel, token, request.Inviter, request.Invitee);
        service.TryValidate(presented, new InvitationContext(request.Invitee, request.Channel)).Reason.Should().Be(InvitationFailureReason.None);
        service.TryValidate(presented.WithToken(token[..^1] + (token[^1] == 'A' ? 'Q' : 'A')), new InvitationContext(request.Invitee, request.Channel))
            .Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void IssueToken_UseLimited_IsA51CharacterTokenOfItsOwn()
    {
        var (service, _) = TestKeys.Service();
        var request = TestKeys.InviteeBound(maxUses: 3);

        var first = service.IssueToken(request);
        var second = service.IssueToken(request);

        first.Should().HaveLength(51);
        second.Should().NotBe(first, "each use-limited token draws its own nonce");
        var result = service.TryValidate(new Invitation(TestKeys.Channel, first, TestKeys.Inviter, TestKeys.Invitee), new InvitationContext(TestKeys.Invitee, TestKeys.Channel));
        result.IsValid.Should().BeTrue();
        result.Claims.MaxUses.Should().Be(3);
    }

    [Fact]
    public void IssueToken_DefaultInterfaceImplementation_ReturnsTheIssuedInvitationsToken()
    {
        IInvitationIssuer issuer = new FixedIssuer(new Invitation(TestKeys.Channel, "the-token"));

        issuer.IssueToken(TestKeys.InviteeBound()).Should().Be("the-token");
    }

    private sealed class FixedIssuer(Invitation invitation) : IInvitationIssuer
    {
        public Invitation Issue(InvitationRequest request) => invitation;
    }
}
