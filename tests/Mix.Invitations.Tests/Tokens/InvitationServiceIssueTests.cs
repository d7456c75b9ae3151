namespace Mix.Invitations.Tests.Tokens;

public class InvitationServiceIssueTests
{
    [Fact]
    public void Issue_InviteeBound_CarriesNormalisedBareJidsAndA38CharacterToken()
    {
        var (service, _) = TestKeys.Service();

        var invitation = service.Issue(new InvitationIssueRequest
        {
            Channel = Jid.Parse("Coven@Mix.Shakespeare.Example/ignored"),
            Inviter = Jid.Parse("HAG66@shakespeare.example/broom"),
            Invitee = Jid.Parse("Cat@Shakespeare.Example"),
        }).Invitation;

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
        var request = new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Invitee = TestKeys.Invitee, Policy = policy, MaxUses = maxUses };

        service.Issue(request).Invitation.Token.Length.Should().Be(length).And.BeLessThanOrEqualTo(maxUses is null ? 40 : 56);
    }

    [Fact]
    public void Issue_NoLifetime_UsesSevenDaysByDefault()
    {
        var (service, time) = TestKeys.Service();

        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;
        var claims = service.Validate(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee });

        claims.IssuedAt.Should().Be(time.GetUtcNow());
        claims.ExpiresAt.Should().Be(time.GetUtcNow().AddDays(7));
    }

    [Fact]
    public void Issue_UseLimitedTwice_GivesDistinctTokensAndIds()
    {
        var (service, _) = TestKeys.Service();

        var a = service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;
        var b = service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;

        a.Token.Should().NotBe(b.Token, "the random nonce keeps two use-limited tokens apart");
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };
        service.Validate(a, context).TokenId.Should().NotBe(service.Validate(b, context).TokenId);
        service.Validate(a, context).MaxUses.Should().Be(1);
    }

    [Fact]
    public void Issue_NoPolicyNamed_UsesConfiguredDefault()
    {
        var (service, _) = TestKeys.Service(o => o.DefaultPolicy = BindingPolicies.UnboundName);

        var invitation = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel }).Invitation;

        service.CheckToken(invitation.Token, new InvitationContext { Channel = TestKeys.Channel }).Claims.Policy.Should().Be(BindingPolicies.UnboundName);
    }

    public static TheoryData<string, InvitationIssueRequest> BadRequests => new()
    {
        { "Channel", new InvitationIssueRequest { Channel = default, Invitee = TestKeys.Invitee } },
        { "Invitee", new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Policy = BindingPolicies.InviteeBoundName } },
        { "Inviter", new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.InviterBoundName } },
        { "Lifetime", new InvitationIssueRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Lifetime = TimeSpan.Zero } },
        { "Lifetime", new InvitationIssueRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Lifetime = TimeSpan.FromSeconds(-1) } },
        { "Lifetime", new InvitationIssueRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Lifetime = TimeSpan.FromDays(30).Add(TimeSpan.FromTicks(1)) } },
        { "MaxUses", new InvitationIssueRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, MaxUses = 0 } },
        { "MaxUses", new InvitationIssueRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, MaxUses = 65536 } },
        { "Policy", new InvitationIssueRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Policy = "no-such-policy" } },
        { "Inviter", new InvitationIssueRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee, Inviter = default(Jid) } },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Issue_RequestNotFittingPolicyOrLimits_ThrowsArgumentExceptionNamingField(string field, InvitationIssueRequest request)
    {
        var (service, _) = TestKeys.Service();

        var act = () => service.Issue(request).Invitation;
        var actToken = () => service.MintToken(request);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(field);
        actToken.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(field);
    }

    [Fact]
    public void Issue_PolicyDisabledByConfiguration_ThrowsNamingPolicy()
    {
        var (service, _) = TestKeys.Service(o => o.EnabledPolicies = [BindingPolicies.InviteeBoundName]);

        var act = () => service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName }).Invitation;

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

        var act = () => service.Issue(TestKeys.InviteeBound(TimeSpan.FromDays(2))).Invitation;
        var tooLong = () => service.Issue(TestKeys.InviteeBound(TimeSpan.FromDays(2).Add(TimeSpan.FromSeconds(1)))).Invitation;

        act.Should().NotThrow();
        tooLong.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Lifetime");
    }

    [Fact]
    public void Issue_NoKeyMaySignNow_ThrowsInvalidOperation()
    {
        // Valid at start (validation refuses a ring no key of which may sign); the only key retires a day later.
        var (service, time) = TestKeys.Service(o => o.Keys[0].SignUntil = TestKeys.Epoch.AddDays(1));
        time.Advance(TimeSpan.FromDays(2));

        var act = () => service.Issue(TestKeys.InviteeBound()).Invitation;

        act.Should().Throw<InvalidOperationException>().WithMessage("*No key*");
    }

    [Fact]
    public void Issue_NullRequest_ThrowsArgumentNull()
    {
        var (service, _) = TestKeys.Service();

        var act = () => service.Issue(null!).Invitation;
        var actToken = () => service.MintToken(null!);

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
        var request = new InvitationIssueRequest
        {
            Channel = Jid.Parse("Coven@Mix.Shakespeare.Example/ignored"),
            Inviter = Jid.Parse("HAG66@shakespeare.example/broom"),
            Invitee = Jid.Parse("Cat@Shakespeare.Example"),
            Policy = policy,
        };

        // Same clock, no nonce: the token is a function of the request, so both entry points give the same one.
        var token = service.MintToken(request);
        var invitation = service.Issue(request).Invitation;

        token.Should().Be(invitation.Token);
        var presented = new Invitation(request.Channel, token, request.Inviter, request.Invitee);
        service.Check(presented, new InvitationContext { Channel = request.Channel, Joiner = request.Invitee }).Reason.Should().Be(InvitationFailureReason.None);
        service.Check(presented.WithToken(token[..^1] + (token[^1] == 'A' ? 'Q' : 'A')), new InvitationContext { Channel = request.Channel, Joiner = request.Invitee })
            .Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void IssueToken_UseLimited_IsA51CharacterTokenOfItsOwn()
    {
        var (service, _) = TestKeys.Service();
        var request = TestKeys.InviteeBound(maxUses: 3);

        var first = service.MintToken(request);
        var second = service.MintToken(request);

        first.Should().HaveLength(51);
        second.Should().NotBe(first, "each use-limited token draws its own nonce");
        var result = service.Check(new Invitation(TestKeys.Channel, first, TestKeys.Inviter, TestKeys.Invitee), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee });
        result.IsValid.Should().BeTrue();
        result.Claims.MaxUses.Should().Be(3);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(3)]
    public void Issue_ReturnsWhatValidationWouldSay_WithoutValidatingAgain(int? maxUses)
    {
        var (service, time) = TestKeys.Service();
        var issued = service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromHours(2), maxUses: maxUses));

        issued.Token.Should().BeSameAs(issued.Invitation.Token);
        issued.Claims.Policy.Should().Be(BindingPolicies.InviteeBoundName);
        issued.Claims.KeyId.Should().Be(1);
        issued.Claims.IssuedAt.Should().Be(time.GetUtcNow());
        issued.Claims.ExpiresAt.Should().Be(time.GetUtcNow().AddHours(2));
        issued.Claims.MaxUses.Should().Be(maxUses ?? 0);
        issued.Claims.Channel.Should().Be(TestKeys.Channel);

        service.TryValidate(issued.Invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }, out var validated).Should().BeTrue();
        validated.Claims.TokenId.Should().Be(issued.Claims.TokenId, "the id a ledger or a list stores is known at issue");
        validated.Claims.ExpiresAt.Should().Be(issued.Claims.ExpiresAt);
        validated.Claims.AcceptedUntil.Should().Be(issued.Claims.AcceptedUntil);
        validated.Claims.KeyId.Should().Be(issued.Claims.KeyId);
        issued.Claims.TokenId.ToString().Should().NotContain(issued.Token);
        issued.ToString().Should().NotContain(issued.Token, "the description of an issued invitation never carries its token");
    }
}
