namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// The token lengths docs/token-format.md sections 13.2 and 14.1 state, pinned through the public API (issuing with
/// grants, <see cref="InvitationNarrowing.Narrow"/>): a plain token with one role grant is 42 characters (issue 19: at
/// most 48), a use-limited one with every grant at its longest 96, and each restriction adds at most 2 (invitee),
/// 7 (expires-at), 6 (grants) or 15 (uses) characters — at most 24 — whatever the base64 alignment of the token it
/// narrows.
/// </summary>
public class TokenBudgetTests
{
    private static readonly Jid Newcomer = Jid.Parse("cat@shakespeare.example");

    public static TheoryData<string, int> Restrictions => new()
    {
        { "invitee", 2 },
        { "expires-at", 7 },
        { "grants", 6 },
        { "uses", 15 },
    };

    [Fact]
    public void Issue_PlainWithOneRoleGrant_Is42Characters()
    {
        var (service, _) = TestKeys.Service();

        var token = service.Issue(Unbound(new InvitationGrants { Role = 1 })).Invitation.Token;

        token.Length.Should().Be(42).And.BeLessThanOrEqualTo(48, "issue 19: a token with one role grant stays at most 48 characters");
    }

    [Fact]
    public void Issue_UseLimitedWithEveryGrantAtItsLongest_Is96Characters()
    {
        var (service, _) = TestKeys.Service();
        var grants = new InvitationGrants
        {
            Role = 255,
            Nodes = (MixNodes)0x03FF,
            Nick = new string('n', InvitationGrants.MaxNickBytes),
            Label = "ラベル0", // 3 × 3 + 1 = 10 bytes of UTF-8: the cap is in bytes
        };

        var token = service.Issue(Unbound(grants, maxUses: 65535)).Invitation.Token;

        token.Length.Should().Be(96, "issue 19: with every field at its longest, at most 96");
    }

    [Theory]
    [MemberData(nameof(Restrictions))]
    public void Narrow_OneRestriction_AddsAtMostItsBudget_AtEveryAlignment(string kind, int budget)
    {
        var (service, _) = TestKeys.Service();
        var added = new List<int>();

        // Grants parts of 6, 8 and 10 bytes give tokens of 34, 36 and 38 bytes: each remainder modulo 3 once.
        foreach (var nick in new[] { null, "a", "abc" })
        {
            var grants = new InvitationGrants { Role = 1, Nodes = MixNodes.Messages | MixNodes.Presence, Nick = nick };
            var original = service.Issue(Unbound(grants)).Invitation;
            var restrictions = kind switch
            {
                "invitee" => new InvitationRestrictions { Invitee = Newcomer },
                "expires-at" => new InvitationRestrictions { ExpiresAt = TestKeys.Epoch.AddHours(1) },
                "grants" => new InvitationRestrictions { KeepGrants = InvitationGrantKinds.Role },
                _ => new InvitationRestrictions { MaxUses = 1 },
            };

            var result = original.Narrow(restrictions);

            result.IsNarrowed.Should().BeTrue(result.ToString());
            added.Add(result.Invitation!.Token.Length - original.Token.Length);
        }

        added.Should().OnlyContain(n => n <= budget).And.Contain(budget, "some alignment reaches the documented bound");
        budget.Should().BeLessThanOrEqualTo(24, "issue 19: one restriction adds at most 24 characters");
    }

    [Fact]
    public void Narrow_UseLimitedTokenByUsesExpiryAndInvitee_Is74Characters()
    {
        var (service, _) = TestKeys.Service();
        var original = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 10 }).Invitation;

        var result = original.Narrow(new InvitationRestrictions { MaxUses = 3, ExpiresAt = TestKeys.Epoch.AddHours(1), Invitee = Newcomer });

        original.Token.Length.Should().Be(51);
        result.Invitation!.Token.Length.Should().Be(74, "51 + 15 + 7 + 2 at this alignment: the spec's N5");
    }

    private static InvitationIssueRequest Unbound(InvitationGrants grants, int? maxUses = null) => new()
    {
        Channel = TestKeys.Channel,
        Policy = BindingPolicies.UnboundName,
        Grants = grants,
        MaxUses = maxUses,
    };
}
