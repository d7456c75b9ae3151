using Microsoft.Extensions.Options;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>Configuration of invitation issue and validation, bound from the <c>MixInvitations</c> configuration section.</summary>
/// <remarks>
/// Validated at start and on every reload (with dependency injection) and by <see cref="InvitationService.Create"/>:
/// ranges by a source-generated validator, rules between fields by a hand-written one. A failure throws
/// <see cref="OptionsValidationException"/> whose message names each offending field and value, never a secret.
/// </remarks>
public sealed class MixInvitationOptions
{
    /// <summary>The default configuration section name.</summary>
    public const string SectionName = "MixInvitations";

    /// <summary>Gets the key ring.</summary>
    /// <value>Empty by default; at least one key is required, ids unique, and one key must be able to sign now (by the <see cref="TimeProvider"/> in use).</value>
    [ValidateEnumeratedItems]
    public IList<InvitationKeyOptions> Keys { get; } = new List<InvitationKeyOptions>();

    /// <summary>Gets the built-in issuance rules: who may invite, what, how often and how much. They apply once registered with <c>AddIssuanceRules</c>.</summary>
    /// <value>The defaults of <see cref="InvitationIssuanceOptions"/>.</value>
    public InvitationIssuanceOptions Issuance { get; } = new();

    /// <summary>Gets or sets the lifetime of an invitation whose request names none.</summary>
    /// <value>Default 7 days; 1 second to 3650 days, and at most <see cref="MaxLifetime"/>.</value>
    [OptionRange("00:00:01", "3650.00:00:00")]
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets the longest lifetime a request may ask for.</summary>
    /// <value>Default 30 days; 1 second to 3650 days, and at least <see cref="DefaultLifetime"/>.</value>
    [OptionRange("00:00:01", "3650.00:00:00")]
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets how long after its expiry a token is still accepted, for clocks that disagree.</summary>
    /// <value>Default 30 seconds; 0 to 1 hour.</value>
    [OptionRange("00:00:00", "01:00:00")]
    public TimeSpan ExpiryTolerance { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long past a token's last valid instant (its expiry plus <see cref="ExpiryTolerance"/>) the
    /// redemption ledger keeps the token's entry, so that a redemption validated just before that instant is still
    /// counted and checked for revocation when it reaches the ledger.
    /// </summary>
    /// <value>Default 5 minutes; 1 second to 1 day.</value>
    /// <remarks>
    /// Make it longer than any redemption takes from validation to the ledger (the server's own
    /// <see cref="IInvitationRedemptionCheck"/>s and the round trip to the ledger) plus the clock skew between nodes. A
    /// redemption that reaches the ledger later than that is refused with <see cref="InvitationFailureReason.Expired"/>
    /// (fail closed), never admitted uncounted. Lengthening it (or <see cref="ExpiryTolerance"/>) applies to the entries
    /// written after the change.
    /// </remarks>
    [OptionRange("00:00:01", "1.00:00:00")]
    public TimeSpan LedgerRetentionMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets whether validation admits a token that grants kinds this edition of the library does not define
    /// (<see cref="InvitationGrants.HasUnknownGrants"/>), ignoring them. By default it refuses such a token with
    /// <see cref="InvitationFailureReason.GrantNotSupported"/>: a service must not admit under a grant it cannot honour.
    /// </summary>
    /// <value>Default <see langword="false"/>. Set it only while nodes of different editions share keys during an upgrade.</value>
    public bool IgnoreUnknownGrants { get; set; }

    /// <summary>Gets or sets how far in the future a token's issued-at time may be, for clocks that disagree.</summary>
    /// <value>Default 30 seconds; 0 to 1 hour.</value>
    [OptionRange("00:00:00", "01:00:00")]
    public TimeSpan IssuedAtTolerance { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the names of the binding policies this server accepts and issues.</summary>
    /// <value>Default <see langword="null"/>: every registered policy. Each name must be a registered policy (built-in, or added with <c>AddBindingPolicy</c>).</value>
    public IList<string>? EnabledPolicies { get; set; }

    /// <summary>Gets or sets the policy used when a request names none.</summary>
    /// <value>Default <c>invitee-bound</c>; a registered policy, enabled by <see cref="EnabledPolicies"/>.</value>
    public string DefaultPolicy { get; set; } = BindingPolicies.InviteeBoundName;

    /// <summary>Gets or sets how many channels' keyed HMAC states are kept, so the hot path does not re-key.</summary>
    /// <value>Default 10,000; 1 to 10,000,000.</value>
    [OptionRange(1, 10_000_000)]
    public int ChannelKeyCacheSize { get; set; } = 10_000;

    /// <summary>Gets or sets how long a cached channel key is used before it is fetched again from the channel key provider.</summary>
    /// <value>Default 5 minutes; 1 second to 1 day. Bounds how long a custom provider's change (such as a bumped epoch) takes to reach every node.</value>
    [OptionRange("00:00:01", "1.00:00:00")]
    public TimeSpan ChannelKeyCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the largest XML input, in characters, the invitation readers accept.</summary>
    /// <value>Default 16,384; 256 to 1,048,576.</value>
    [OptionRange(256, 1_048_576)]
    public int MaxXmlInputSize { get; set; } = 16 * 1024;

    /// <summary>Gets or sets the base of https landing links (the xmpp: URI travels in the fragment).</summary>
    /// <value>Default <see langword="null"/>: no landing links; an absolute https URI otherwise.</value>
    public Uri? LandingLinkBase { get; set; }
}
