using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Issuance;

/// <summary>AddIssuanceRules: registration, the default limiter, the reservations store, start-up failure, reload.</summary>
public sealed class IssuanceDependencyInjectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void AddIssuanceRules_CalledTwice_RegistersEachRuleOnceInOrder()
    {
        var (services, _) = NewServices();
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddIssuanceRules().AddIssuanceRules();
        using var provider = services.BuildServiceProvider();

        provider.GetServices<IInvitationIssuancePolicy>().Select(p => p.GetType().Name)
            .Should().Equal("IssuanceRightsRule", "IssuanceRateRule", "OutstandingBearerUsesRule");
        provider.GetRequiredService<IInvitationIssuanceLimiter>().Should().BeOfType<InMemoryIssuanceLimiter>("the default limiter");
        services.Count(d => d.ServiceType == typeof(IInvitationIssuanceLimiter)).Should().Be(1);
    }

    [Fact]
    public void AddIssuanceRules_ALimiterRegisteredBefore_IsKept()
    {
        var (services, _) = NewServices();
        var limiter = new InMemoryIssuanceLimiter();
        services.AddSingleton<IInvitationIssuanceLimiter>(limiter);
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddIssuanceRules();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IInvitationIssuanceLimiter>().Should().BeSameAs(limiter);
    }

    [Fact]
    public async Task AddIssuanceRules_ServiceConsultsTheRules()
    {
        var (services, time) = NewServices();
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddIssuanceRules();
        services.Replace(ServiceDescriptor.Singleton<IInvitationLedger>(new ReservingLedger(time)));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var issuer = provider.GetRequiredService<IInvitationIssuer>();

        (await issuer.IssueAsync(Participant(maxUses: 10), Ct)).IsIssued.Should().BeTrue();
        (await issuer.IssueAsync(Participant(maxUses: 11), Ct)).Reason.Should().Be(InvitationIssueRefusalReason.TooManyUses);
        (await issuer.IssueAsync(new InvitationIssueRequest { Channel = TestKeys.Channel, Invitee = TestKeys.Invitee }, Ct)).Reason
            .Should().Be(InvitationIssueRefusalReason.InviterNotAllowed, "a request without a role is other's, which may not invite");
    }

    [Fact]
    public async Task AddIssuanceRules_ReservationsOfTheLedger_KeepTheBearerUses()
    {
        var (services, time) = NewServices();
        var ledger = new ReservingLedger(time);
        services.AddMixInvitations(o =>
        {
            o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 });
            o.Issuance.MaxOutstandingBearerUses = 10;
        }).AddIssuanceRules();
        services.Replace(ServiceDescriptor.Singleton<IInvitationLedger>(ledger));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var issuer = provider.GetRequiredService<IInvitationIssuer>();

        (await issuer.IssueAsync(Participant(BindingPolicies.UnboundName, maxUses: 10), Ct)).IsIssued.Should().BeTrue();
        (await issuer.IssueAsync(Participant(BindingPolicies.UnboundName, maxUses: 1), Ct)).Reason.Should().Be(InvitationIssueRefusalReason.OutstandingUsesExceeded);
        ledger.Reservations.Calls.Should().HaveCount(2);
    }

    [Fact]
    public async Task AddIssuanceRules_ARegisteredReservationsStore_IsPreferredToTheLedger()
    {
        var (services, time) = NewServices();
        var store = new FakeUseReservations(time);
        services.AddSingleton<IInvitationUseReservations>(store);
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddIssuanceRules();
        services.Replace(ServiceDescriptor.Singleton<IInvitationLedger>(new ReservingLedger(time)));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        (await provider.GetRequiredService<IInvitationIssuer>().IssueAsync(Participant(BindingPolicies.UnboundName, maxUses: 3), Ct)).IsIssued.Should().BeTrue();
        store.Calls.Should().ContainSingle().Which.Uses.Should().Be(3);
    }

    [Fact]
    public void AddIssuanceRules_CapWithoutAReservationsStore_FailsAtStartUpNamingTheSetting()
    {
        var (services, time) = NewServices();
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddIssuanceRules();
        services.Replace(ServiceDescriptor.Singleton<IInvitationLedger>(new PlainLedger(time)));
        using var provider = services.BuildServiceProvider();

        var start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        start.Should().Throw<OptionsValidationException>()
            .WithMessage("*MixInvitations:Issuance:MaxOutstandingBearerUses is 1000, but no store keeps use reservations*");
    }

    [Fact]
    public void AddIssuanceRules_NoCapAndNoReservationsStore_Starts()
    {
        var (services, time) = NewServices();
        services.AddMixInvitations(o =>
        {
            o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 });
            o.Issuance.MaxOutstandingBearerUses = null;
        }).AddIssuanceRules();
        services.Replace(ServiceDescriptor.Singleton<IInvitationLedger>(new PlainLedger(time)));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public async Task Reload_ChangesACapWithoutRestart()
    {
        var configuration = TestKeys.Configuration();
        var memory = configuration.Providers.OfType<MemoryConfigurationProvider>().Single();
        var (services, time) = NewServices();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMixInvitations().AddIssuanceRules();
        services.Replace(ServiceDescriptor.Singleton<IInvitationLedger>(new ReservingLedger(time)));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var issuer = provider.GetRequiredService<IInvitationIssuer>();
        (await issuer.IssueAsync(Participant(maxUses: 5), Ct)).IsIssued.Should().BeTrue();

        memory.Set("MixInvitations:Issuance:Roles:participant:MaxUses", "2");
        configuration.Reload();

        (await issuer.IssueAsync(Participant(maxUses: 5), Ct)).Reason.Should().Be(InvitationIssueRefusalReason.TooManyUses);
        (await issuer.IssueAsync(Participant(maxUses: 2), Ct)).IsIssued.Should().BeTrue();
    }

    private static InvitationIssueRequest Participant(string policy = BindingPolicies.InviteeBoundName, int? maxUses = 1) => new()
    {
        Channel = TestKeys.Channel,
        Inviter = TestKeys.Inviter,
        Invitee = policy == BindingPolicies.InviteeBoundName ? TestKeys.Invitee : null,
        Policy = policy,
        MaxUses = maxUses,
        InviterRole = InvitationRoles.Participant,
        ChannelAllowsParticipantInvitations = true,
    };

    private static (ServiceCollection Services, FakeTimeProvider Time) NewServices()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        return (services, time);
    }

    /// <summary>A ledger that keeps no use reservations (whatever the in-memory ledger comes to implement).</summary>
    private sealed class PlainLedger(TimeProvider time) : IInvitationLedger, IDisposable
    {
        private readonly InMemoryInvitationLedger _ledger = new(time);

    public void Dispose() => _ledger.Dispose();

        public ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationLedgerRequest request, CancellationToken cancellationToken = default) =>
            _ledger.TryConsumeAsync(request, cancellationToken);

        public ValueTask RevokeIssuedBeforeAsync(Jid channel, Jid? inviter, DateTimeOffset issuedBefore, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
            _ledger.RevokeIssuedBeforeAsync(channel, inviter, issuedBefore, retainUntil, cancellationToken);

        public ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
            _ledger.RevokeAsync(tokenId, channel, retainUntil, cancellationToken);

        public ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default) =>
            _ledger.ReleaseAsync(tokenId, channel, useId, cancellationToken);
    }
}
