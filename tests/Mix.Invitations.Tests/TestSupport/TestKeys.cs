using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.TestSupport;

/// <summary>Fixed keys, JIDs and clocks shared by the token tests.</summary>
internal static class TestKeys
{
    /// <summary>32 bytes 0x00..0x1f, base64: the key of docs/token-format.md's vectors.</summary>
    public const string Secret0 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    /// <summary>32 bytes 0x20..0x3f.</summary>
    public const string Secret1 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");
    public static readonly Jid OtherChannel = Jid.Parse("other@mix.shakespeare.example");
    public static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");
    public static readonly Jid Invitee = Jid.Parse("cat@shakespeare.example");
    public static readonly Jid Stranger = Jid.Parse("rat@shakespeare.example");

    public static MixInvitationOptions Options(Action<MixInvitationOptions>? configure = null)
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = Secret0 });
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A reloadable in-memory configuration holding key 1 (<see cref="Secret0"/>) in the MixInvitations section.</summary>
    public static IConfigurationRoot Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["MixInvitations:Keys:0:Id"] = "1",
        ["MixInvitations:Keys:0:Secret"] = Secret0,
    }).Build();

    public static (InvitationService Service, FakeTimeProvider Time) Service(Action<MixInvitationOptions>? configure = null, IEnumerable<IInvitationBindingPolicy>? policies = null)
    {
        var time = new FakeTimeProvider(Epoch);
        return (InvitationService.Create(Options(configure), time, policies), time);
    }

    public static InvitationIssueRequest InviteeBound(TimeSpan? lifetime = null, int? maxUses = null) => new()
    {
        Channel = Channel,
        Inviter = Inviter,
        Invitee = Invitee,
        Policy = BindingPolicies.InviteeBoundName,
        Lifetime = lifetime,
        MaxUses = maxUses,
    };
}
