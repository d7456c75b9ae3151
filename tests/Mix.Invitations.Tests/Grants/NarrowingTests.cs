using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Grants;

/// <summary>
/// Signed grants and offline narrowing through the public API (issue 19): what a copy admits, what it shares with its
/// original in the ledger, and what the narrowing call refuses.
/// </summary>
public class NarrowingTests
{
    private static readonly Jid Moderator = TestKeys.Inviter;
    private static readonly Jid Newcomer = TestKeys.Invitee;
    private static readonly Jid Someone = TestKeys.Stranger;

    [Fact]
    public void Grants_AreSignedIntoTheToken_AndReadBackFromTheClaims()
    {
        var (service, _) = TestKeys.Service();
        var grants = new InvitationGrants { Role = 2, Nodes = MixNodes.Messages | MixNodes.Presence, Nick = "thirdwitch", Label = "spring" };

        var issued = service.Issue(Bearer(grants: grants));
        var result = service.Check(issued.Invitation, Joining(Someone));

        result.IsValid.Should().BeTrue();
        result.Claims.Grants.Should().Be(grants);
        result.Claims.Grants!.NodeNames.Should().Equal("urn:xmpp:mix:nodes:messages", "urn:xmpp:mix:nodes:presence");
        issued.Claims.Grants.Should().Be(grants, "the issuer's claims say what the token grants too");
        result.Claims.IsNarrowed.Should().BeFalse();
    }

    [Fact]
    public void OneRoleGrant_Is42Characters_AndEveryGrantAtItsLongest_UseLimited_Is96()
    {
        var (service, _) = TestKeys.Service();

        service.Issue(Bearer(grants: new InvitationGrants { Role = 7 })).Invitation.Token.Length.Should().Be(42, "issue 19: at most 48");
        var longest = new InvitationGrants { Role = 255, Nodes = MixNodes.Messages | MixNodes.AvatarMetadata, Nick = new string('n', 16), Label = new string('l', 10) };
        service.Issue(Bearer(maxUses: 65535, grants: longest)).Invitation.Token.Length.Should().Be(96, "issue 19: every field at most 96");
    }

    [Fact]
    public void GrantsThatGrantNothing_AreNoGrants_AndATokenWithoutGrantsIsUnchanged()
    {
        var (service, _) = TestKeys.Service();

        var token = service.Issue(Bearer(grants: new InvitationGrants())).Invitation.Token;

        token.Length.Should().Be(38);
        service.Check(new Invitation(TestKeys.Channel, token), Joining(Someone)).Claims.Grants.Should().BeNull();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void Issue_ARoleOutsideItsRange_IsRefusedNamingTheField(int role)
    {
        var (service, _) = TestKeys.Service();

        var act = () => service.Issue(Bearer(grants: new InvitationGrants { Role = role }));

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(InvitationIssueRequest.Grants));
    }

    [Theory]
    [InlineData("seventeen-bytes-x")]
    [InlineData("tab\there")]
    [InlineData("")]
    public void Issue_ANickOutOfShape_IsRefused(string nick)
    {
        var (service, _) = TestKeys.Service();

        var act = () => service.Issue(Bearer(grants: new InvitationGrants { Nick = nick }));

        act.Should().Throw<ArgumentException>().WithMessage("*Nick*");
    }

    [Fact]
    public void BearerNarrowedToANewcomer_AdmitsOnlyTheNewcomer()
    {
        var (service, _) = TestKeys.Service();
        var bearer = service.Issue(Bearer(maxUses: 10)).Invitation;

        var copy = Narrowed(bearer, new InvitationRestrictions { Invitee = Newcomer });

        copy.Invitee.Should().Be(Newcomer);
        copy.Token.Length.Should().Be(52, "an invitee restriction is one byte: 38 bytes (51 characters) become 39 (52)");
        var admitted = service.Check(copy, Joining(Newcomer));
        admitted.IsValid.Should().BeTrue();
        admitted.Claims.IsInviteeRestricted.Should().BeTrue();
        admitted.Claims.Invitee.Should().Be(Newcomer);
        admitted.Claims.TokenId.Should().Be(service.Check(bearer, Joining(Someone)).Claims.TokenId, "a copy is its original to the ledger");
        service.Check(copy, Joining(Someone)).Reason.Should().Be(InvitationFailureReason.InviteeMismatch);
        service.Check(copy, new InvitationContext { Channel = TestKeys.Channel }).Reason.Should().Be(InvitationFailureReason.InviteeMismatch, "a joiner not yet known is not the newcomer");
        service.Check(new Invitation(copy.Channel, copy.Token, copy.Inviter, Someone), Joining(Someone)).Reason.Should().Be(InvitationFailureReason.BadSignature, "presenting the copy with another invitee breaks the chain");
        service.Check(Invitation.FromToken(copy.Channel, copy.Token), Joining(Newcomer)).Reason.Should().Be(InvitationFailureReason.BadSignature, "a bare preauth without the invitee cannot carry the restriction");
    }

    [Fact]
    public void ACustomPolicyAdmittingEveryone_CannotUndoAnInviteeRestriction()
    {
        var (service, _) = TestKeys.Service(policies: [new AdmitAll()]);
        var token = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = AdmitAll.PolicyName }).Invitation;

        var copy = Narrowed(token, new InvitationRestrictions { Invitee = Newcomer });

        service.Check(copy, Joining(Newcomer)).IsValid.Should().BeTrue();
        service.Check(copy, Joining(Someone)).Reason.Should().Be(InvitationFailureReason.InviteeMismatch);
    }

    [Fact]
    public void InviterBoundNarrowedToAnInvitee_KeepsTheInviterBound()
    {
        var (service, _) = TestKeys.Service();
        var token = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = Moderator, Policy = BindingPolicies.InviterBoundName }).Invitation;

        var copy = Narrowed(token, new InvitationRestrictions { Invitee = Newcomer });

        service.Check(copy, Joining(Newcomer)).Claims.Inviter.Should().Be(Moderator);
        service.Check(new Invitation(copy.Channel, copy.Token, Someone, copy.Invitee), Joining(Newcomer)).Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void AnEarlierExpiry_ExpiresTheCopy_WhileTheOriginalLives()
    {
        var (service, time) = TestKeys.Service(o => o.ExpiryTolerance = TimeSpan.Zero);
        var bearer = service.Issue(Bearer(lifetime: TimeSpan.FromDays(7))).Invitation;
        var until = time.GetUtcNow().AddHours(1);

        var copy = Narrowed(bearer, new InvitationRestrictions { ExpiresAt = until });

        service.Check(copy, Joining(Someone)).Claims.EffectiveExpiresAt.Should().Be(until.AddTicks(-(until.UtcTicks % TimeSpan.TicksPerSecond)));
        time.Advance(TimeSpan.FromHours(1));
        service.Check(copy, Joining(Someone)).Reason.Should().Be(InvitationFailureReason.Expired);
        service.Check(bearer, Joining(Someone)).IsValid.Should().BeTrue();
    }

    [Fact]
    public void FewerGrants_KeepOnlyWhatIsAsked()
    {
        var (service, _) = TestKeys.Service();
        var token = service.Issue(Bearer(grants: new InvitationGrants { Role = 3, Nodes = MixNodes.Messages | MixNodes.Presence | MixNodes.Info, Nick = "cat" })).Invitation;

        var copy = Narrowed(token, new InvitationRestrictions { KeepGrants = InvitationGrantKinds.Nodes | InvitationGrantKinds.Role, KeepNodes = MixNodes.Messages });

        service.Check(copy, Joining(Someone)).Claims.Grants.Should().Be(new InvitationGrants { Role = 3, Nodes = MixNodes.Messages });
        var narrower = Narrowed(copy, new InvitationRestrictions { KeepGrants = InvitationGrantKinds.Nodes });
        service.Check(narrower, Joining(Someone)).Claims.Grants.Should().Be(new InvitationGrants { Nodes = MixNodes.Messages });
        copy.Narrow(new InvitationRestrictions { KeepGrants = InvitationGrantKinds.Nick }).Should().Match<InvitationNarrowingResult>(r => r.IsNarrowed, "keeping a kind the copy already lost leaves nothing, which is narrower");
    }

    [Fact]
    public async Task ACopysUses_CountAgainstItsOriginal_AndItsOwnLimit()
    {
        var (service, time) = TestKeys.Service();
        using var ledger = new InMemoryInvitationLedger(time);
        var redeemer = new InvitationRedeemer(service, ledger);
        var bearer = service.Issue(Bearer(maxUses: 3)).Invitation;
        var copy = Narrowed(bearer, new InvitationRestrictions { MaxUses = 1 });
        var ct = TestContext.Current.CancellationToken;

        (await redeemer.RedeemAsync(copy, Joining(Jid.Parse("a@shakespeare.example")), ct)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(copy, Joining(Jid.Parse("b@shakespeare.example")), ct)).Reason.Should().Be(InvitationFailureReason.UsesExhausted, "the copy allows one use");
        (await redeemer.RedeemAsync(bearer, Joining(Jid.Parse("c@shakespeare.example")), ct)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(bearer, Joining(Jid.Parse("d@shakespeare.example")), ct)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(bearer, Joining(Jid.Parse("e@shakespeare.example")), ct)).Reason.Should().Be(InvitationFailureReason.UsesExhausted, "the copy's use was one of the original's three");
    }

    [Fact]
    public async Task ReleasingACopysUse_GivesItBackToTheCopyAndTheOriginal()
    {
        var (service, time) = TestKeys.Service();
        using var ledger = new InMemoryInvitationLedger(time);
        var redeemer = new InvitationRedeemer(service, ledger);
        var bearer = service.Issue(Bearer(maxUses: 1)).Invitation;
        var copy = Narrowed(Narrowed(bearer, new InvitationRestrictions { Invitee = Newcomer }), new InvitationRestrictions { ExpiresAt = time.GetUtcNow().AddHours(1) });
        var ct = TestContext.Current.CancellationToken;

        var first = await redeemer.RedeemAsync(copy, Joining(Newcomer), ct);
        first.IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(bearer, Joining(Someone), ct)).Reason.Should().Be(InvitationFailureReason.UsesExhausted, "the single use went to the newcomer's copy");
        (await redeemer.ReleaseAsync(first.Receipt!, ct)).Should().Be(InvitationReleaseOutcome.Released);
        (await redeemer.RedeemAsync(bearer, Joining(Someone), ct)).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task UsesOfAnUnlimitedOriginal_AreCountedForItsLimitedCopy()
    {
        var (service, time) = TestKeys.Service();
        using var ledger = new InMemoryInvitationLedger(time);
        var redeemer = new InvitationRedeemer(service, ledger);
        var bearer = service.Issue(Bearer()).Invitation;
        var twice = Narrowed(bearer, new InvitationRestrictions { MaxUses = 2 });
        var once = Narrowed(twice, new InvitationRestrictions { MaxUses = 1 });
        var ct = TestContext.Current.CancellationToken;

        service.Check(once, Joining(Someone)).Claims.CopyLimits.Length.Should().Be(2);
        (await redeemer.RedeemAsync(once, Joining(Jid.Parse("a@shakespeare.example")), ct)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(once, Joining(Jid.Parse("b@shakespeare.example")), ct)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        (await redeemer.RedeemAsync(twice, Joining(Jid.Parse("b@shakespeare.example")), ct)).IsValid.Should().BeTrue("the inner copy's use is one of the outer copy's two");
        (await redeemer.RedeemAsync(twice, Joining(Jid.Parse("c@shakespeare.example")), ct)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        (await redeemer.RedeemAsync(bearer, Joining(Jid.Parse("c@shakespeare.example")), ct)).IsValid.Should().BeTrue("the original has no limit of its own");
    }

    [Fact]
    public async Task TwoCopiesOfOneUseEach_GetOneUseEach()
    {
        var (service, time) = TestKeys.Service();
        using var ledger = new InMemoryInvitationLedger(time);
        var redeemer = new InvitationRedeemer(service, ledger);
        var bearer = service.Issue(Bearer(maxUses: 5)).Invitation;
        var first = Narrowed(bearer, new InvitationRestrictions { MaxUses = 1 });
        var second = Narrowed(bearer, new InvitationRestrictions { MaxUses = 1 });
        var ct = TestContext.Current.CancellationToken;

        first.Token.Should().NotBe(second.Token, "each uses restriction carries its own nonce");
        (await redeemer.RedeemAsync(first, Joining(Jid.Parse("a@shakespeare.example")), ct)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(second, Joining(Jid.Parse("b@shakespeare.example")), ct)).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task RevokingTheOriginal_RefusesEveryCopy()
    {
        var (service, time) = TestKeys.Service();
        using var ledger = new InMemoryInvitationLedger(time);
        var redeemer = new InvitationRedeemer(service, ledger);
        var bearer = service.Issue(Bearer()).Invitation;
        var copy = Narrowed(bearer, new InvitationRestrictions { Invitee = Newcomer });
        var ct = TestContext.Current.CancellationToken;

        (await redeemer.RevokeAsync(bearer, ct)).IsValid.Should().BeTrue();

        (await redeemer.RedeemAsync(copy, Joining(Newcomer), ct)).Reason.Should().Be(InvitationFailureReason.Revoked);
    }

    [Fact]
    public void UnknownGrantKinds_AreRefused_UnlessTheServiceIgnoresThem()
    {
        var (service, time) = TestKeys.Service();
        var (ignoring, _) = TestKeys.Service(o => o.IgnoreUnknownGrants = true);
        var now = (uint)time.GetUtcNow().ToUnixTimeSeconds();
        var token = MintWithGrants(now, now + 3600, [3, 0x21, 0x05, 0xA0]); // role 5, then an empty grant of kind 5

        var refused = service.Check(Invitation.FromToken(TestKeys.Channel, token), Joining(Someone));
        var admitted = ignoring.Check(Invitation.FromToken(TestKeys.Channel, token), Joining(Someone));

        refused.Reason.Should().Be(InvitationFailureReason.GrantNotSupported);
        refused.StanzaError.Condition.Should().Be("not-allowed");
        refused.Claims.Grants!.HasUnknownGrants.Should().BeTrue();
        admitted.IsValid.Should().BeTrue();
        admitted.Claims.Grants.Should().Match<InvitationGrants>(g => g.Role == 5 && g.HasUnknownGrants);
    }

    [Fact]
    public void AGrantsRestriction_DroppingTheUnknownKinds_MakesTheCopyAdmissible()
    {
        var (service, time) = TestKeys.Service();
        var now = (uint)time.GetUtcNow().ToUnixTimeSeconds();
        var token = Invitation.FromToken(TestKeys.Channel, MintWithGrants(now, now + 3600, [3, 0x21, 0x05, 0xA0]));

        var copy = Narrowed(token, new InvitationRestrictions { KeepGrants = InvitationGrantKinds.Role });

        service.Check(copy, Joining(Someone)).Claims.Grants.Should().Be(new InvitationGrants { Role = 5 });
    }

    [Fact]
    public void Narrow_RefusesWhatWouldNotNarrow_WithASpecificError()
    {
        var (service, time) = TestKeys.Service();
        var bearer = service.Issue(Bearer(maxUses: 3, lifetime: TimeSpan.FromHours(2))).Invitation;
        var bound = service.Issue(TestKeys.InviteeBound()).Invitation;

        Error(bearer, new InvitationRestrictions()).Should().Be(InvitationNarrowingError.NothingRequested);
        Error(bearer, new InvitationRestrictions { MaxUses = 3 }).Should().Be(InvitationNarrowingError.NotNarrower);
        Error(bearer, new InvitationRestrictions { ExpiresAt = time.GetUtcNow().AddHours(3) }).Should().Be(InvitationNarrowingError.NotNarrower);
        Error(bearer, new InvitationRestrictions { ExpiresAt = time.GetUtcNow().AddHours(-1) }).Should().Be(InvitationNarrowingError.NotNarrower);
        Error(bearer, new InvitationRestrictions { KeepGrants = InvitationGrantKinds.Role }).Should().Be(InvitationNarrowingError.NotNarrower, "the token grants nothing");
        Error(bound, new InvitationRestrictions { Invitee = TestKeys.Invitee }).Should().Be(InvitationNarrowingError.NotNarrower);
        Error(bound, new InvitationRestrictions { Invitee = Someone }).Should().Be(InvitationNarrowingError.InviteeConflict);
        Error(Narrowed(bearer, new InvitationRestrictions { Invitee = Newcomer }), new InvitationRestrictions { Invitee = Someone }).Should().Be(InvitationNarrowingError.InviteeConflict);
        Error(bearer.WithToken("not a token"), new InvitationRestrictions { MaxUses = 1 }).Should().Be(InvitationNarrowingError.Malformed);
        Error(bearer.WithToken(bearer.Token + "A"), new InvitationRestrictions { MaxUses = 1 }).Should().Be(InvitationNarrowingError.Malformed);
        var withTwo = Narrowed(bearer, new InvitationRestrictions { MaxUses = 2 });
        Error(withTwo, new InvitationRestrictions { MaxUses = 2 }).Should().Be(InvitationNarrowingError.NotNarrower, "the copy's own limit counts");
    }

    [Fact]
    public void Narrow_AtMostEightRestrictions()
    {
        var (service, time) = TestKeys.Service();
        var token = service.Issue(Bearer(lifetime: TimeSpan.FromDays(1))).Invitation;
        for (var i = 1; i <= 8; i++)
        {
            token = Narrowed(token, new InvitationRestrictions { ExpiresAt = time.GetUtcNow().AddDays(1).AddMinutes(-i) });
        }

        var result = token.Narrow(new InvitationRestrictions { MaxUses = 1 });

        result.Error.Should().Be(InvitationNarrowingError.TooManyRestrictions);
        result.Message.Should().Contain("8");
        service.Check(token, Joining(Someone)).Claims.RestrictionCount.Should().Be(8);
    }

    [Fact]
    public void Narrow_ErrorMessages_NeverHoldTheToken()
    {
        var (service, _) = TestKeys.Service();
        var bearer = service.Issue(Bearer(maxUses: 3)).Invitation;

        var result = bearer.Narrow(new InvitationRestrictions { MaxUses = 5 });

        result.Message.Should().NotContain(bearer.Token).And.NotContain(bearer.Token[..10]);
        result.ToString().Should().NotContain(bearer.Token[..10]);
    }

    [Fact]
    public void Narrow_BadArguments_Throw()
    {
        var bearer = Invitation.FromToken(TestKeys.Channel, "AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g");

        FluentActions.Invoking(() => bearer.Narrow(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => InvitationNarrowing.Narrow(null!, new InvitationRestrictions())).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => bearer.Narrow(new InvitationRestrictions { MaxUses = 0 })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => bearer.Narrow(new InvitationRestrictions { MaxUses = 65536 })).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => bearer.Narrow(new InvitationRestrictions { Invitee = default(Jid) })).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void RestrictionBudgets_AreWithin24CharactersEach()
    {
        var (service, time) = TestKeys.Service();
        var grants = new InvitationGrants { Role = 1, Nodes = MixNodes.Messages };
        foreach (var maxUses in new int?[] { null, 5 })
        {
            var token = service.Issue(Bearer(maxUses: maxUses, grants: grants)).Invitation;
            foreach (var restrictions in new[]
                     {
                         new InvitationRestrictions { Invitee = Newcomer },
                         new InvitationRestrictions { ExpiresAt = time.GetUtcNow().AddMinutes(5) },
                         new InvitationRestrictions { MaxUses = 1 },
                         new InvitationRestrictions { KeepNodes = MixNodes.None },
                     })
            {
                Narrowed(token, restrictions).Token.Length.Should().BeLessThanOrEqualTo(token.Token.Length + 15, "issue 19: one restriction adds at most 24 characters");
            }
        }
    }

    private static InvitationNarrowingError Error(Invitation invitation, InvitationRestrictions restrictions) => invitation.Narrow(restrictions).Error;

    private static Invitation Narrowed(Invitation invitation, InvitationRestrictions restrictions)
    {
        var result = invitation.Narrow(restrictions);
        result.IsNarrowed.Should().BeTrue(result.Message);
        return result.Invitation!;
    }

    private static InvitationIssueRequest Bearer(int? maxUses = null, InvitationGrants? grants = null, TimeSpan? lifetime = null) => new()
    {
        Channel = TestKeys.Channel,
        Policy = BindingPolicies.UnboundName,
        MaxUses = maxUses,
        Grants = grants,
        Lifetime = lifetime,
    };

    private static InvitationContext Joining(Jid joiner) => new() { Channel = TestKeys.Channel, Joiner = joiner };

    /// <summary>An unbound token with a grants part of any bytes, signed straight from docs/token-format.md with BCL primitives.</summary>
    private static string MintWithGrants(uint issuedAt, uint expiresAt, byte[] grants)
    {
        var header = SpecMinter.Header(3, 1, issuedAt, expiresAt);
        header[1] = 0x02;
        var canonical = Encoding.UTF8.GetBytes($"<invitation xmlns=\"urn:xmpp:mix:misc:0\"><channel>{TestKeys.Channel}</channel></invitation>");
        byte[] input = [.. "Mix.Invitations invitation token v1"u8, 0, .. header, .. grants, .. canonical];
        var tag = HMACSHA256.HashData(SpecMinter.ChannelKey(Convert.FromBase64String(TestKeys.Secret0), TestKeys.Channel.ToString()), input)[..16];
        return Base64Url.EncodeToString([.. header, .. grants, .. tag]);
    }

    private sealed class AdmitAll : IInvitationBindingPolicy
    {
        public const string PolicyName = "admit-all";

        public byte Id => 200;

        public string Name => PolicyName;

        public InvitationBinding Binds => InvitationBinding.Channel;

        public void ValidateRequest(InvitationIssueRequest request)
        {
        }

        public bool IsRedeemableBy(in InvitationBindingContext context) => true;
    }
}
