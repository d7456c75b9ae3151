using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mix.Invitations;

/// <summary>
/// Metrics and log events of the library: one <see cref="Meter"/> and one log category, both named
/// <c>Mix.Invitations</c>.
/// </summary>
/// <remarks>
/// <para>Instruments (all counters, unit <c>{invitation}</c>):</para>
/// <list type="bullet">
/// <item><c>mix.invitations.issued</c> — invitations issued; tag <c>policy</c>.</item>
/// <item><c>mix.invitations.validated</c> — stateless validations; tags <c>outcome</c> (<c>valid</c>/<c>refused</c>) and <c>reason</c> (an <see cref="InvitationFailureReason"/> name, <c>None</c> when valid).</item>
/// <item><c>mix.invitations.redeemed</c> — redemptions; tags <c>outcome</c> and <c>reason</c>.</item>
/// <item><c>mix.invitations.issue_refused</c> — issues an <see cref="IInvitationIssuancePolicy"/> refused; tags <c>reason</c> (an <see cref="InvitationIssueRefusalReason"/> name) and <c>role</c> (the inviter's role as the server supplied it).</item>
/// </list>
/// <para>
/// Log events (category <c>Mix.Invitations</c>): 1 <c>InvitationIssued</c> (Debug), 2 <c>InvitationRefused</c>
/// (Debug), 3 <c>InvitationRedeemed</c> (Debug), 4 <c>RedemptionRefused</c> (Debug), 5 <c>KeyRingReloaded</c>
/// (Information), 6 <c>KeyRingReloadFailed</c> (Error), 7 <c>LedgerUnavailable</c> (Warning), 8
/// <c>InvitationRefusedUnverified</c> (Debug: malformed, unknown key or bad signature, so no key id is trusted), 9
/// <c>IssueRefused</c> (Information: reason, inviter role and binding policy), 10 <c>EventSinkFailed</c> (Warning: an
/// <c>IInvitationEventSink</c> threw), 11 <c>EventDropped</c> (Warning: the event queue was full), 12
/// <c>EventSinkTimedOut</c> (Warning: a sink did not complete in time).
/// Events carry the policy, the reason and the key id only: never a token, a token id or a secret. The ids are
/// stable: an event may be added, never renumbered.
/// </para>
/// </remarks>
public sealed partial class InvitationTelemetry : IDisposable
{
    /// <summary>The name of the meter and of the log category.</summary>
    public const string Name = "Mix.Invitations";

    private static readonly string[] ReasonNames = Enum.GetNames<InvitationFailureReason>();

    private static readonly string[] IssueRefusalNames = Enum.GetNames<InvitationIssueRefusalReason>();

    private readonly Meter? _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long>? _issued;
    private readonly Counter<long>? _validated;
    private readonly Counter<long>? _redeemed;
    private readonly Counter<long>? _issueRefused;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="meterFactory">Creates the meter, or <see langword="null"/> for a meter of this instance's own.</param>
    /// <param name="loggerFactory">Creates the logger, or <see langword="null"/> for no logging.</param>
    public InvitationTelemetry(IMeterFactory? meterFactory, ILoggerFactory? loggerFactory)
    {
        // Through the factory when there is one: the meter is then scoped to the container (so tests and hosts
        // listening through the factory see only their own) and the factory disposes it.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _issued = _meter.CreateCounter<long>("mix.invitations.issued", "{invitation}", "Invitations issued, by binding policy.");
        _validated = _meter.CreateCounter<long>("mix.invitations.validated", "{invitation}", "Invitations validated statelessly, by outcome and reason.");
        _redeemed = _meter.CreateCounter<long>("mix.invitations.redeemed", "{invitation}", "Invitations redeemed, by outcome and reason.");
        _issueRefused = _meter.CreateCounter<long>("mix.invitations.issue_refused", "{invitation}", "Issues refused by an issuance policy, by reason and inviter role.");
        _logger = loggerFactory?.CreateLogger(Name) ?? NullLogger.Instance;
    }

    private InvitationTelemetry()
    {
        _logger = NullLogger.Instance;
    }

    /// <summary>Gets an instance that reports nothing.</summary>
    public static InvitationTelemetry None { get; } = new();

    /// <summary>Disposes the meter when this instance created it without a factory.</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter?.Dispose();
        }
    }

    internal void Issued(string policy)
    {
        _issued?.Add(1, new KeyValuePair<string, object?>("policy", policy));
        LogIssued(_logger, policy);
    }

    /// <summary>Counts a validation and logs a refusal.</summary>
    /// <param name="reason">Why it was refused, or None.</param>
    /// <param name="verifiedPolicy">The policy of a token whose tag verified, or <see langword="null"/> when it did not (its key id is then not reported).</param>
    /// <param name="keyId">The key id, meaningful only with <paramref name="verifiedPolicy"/>.</param>
    internal void Validated(InvitationFailureReason reason, string? verifiedPolicy, int keyId)
    {
        _validated?.Add(1, Outcome(reason), Reason(reason));
        if (reason == InvitationFailureReason.None)
        {
            return;
        }

        if (verifiedPolicy is not null)
        {
            LogRefused(_logger, ReasonNames[(int)reason], keyId);
        }
        else
        {
            LogRefusedUnverified(_logger, ReasonNames[(int)reason]);
        }
    }

    /// <summary>Counts a redemption and logs its outcome.</summary>
    /// <param name="reason">Why it was refused, or None.</param>
    /// <param name="verifiedPolicy">The policy of a token whose tag verified, or <see langword="null"/> when it did not (its key id is then not reported).</param>
    /// <param name="keyId">The key id, meaningful only with <paramref name="verifiedPolicy"/>.</param>
    internal void Redeemed(InvitationFailureReason reason, string? verifiedPolicy, int keyId)
    {
        _redeemed?.Add(1, Outcome(reason), Reason(reason));
        if (reason == InvitationFailureReason.None)
        {
            LogRedeemed(_logger, verifiedPolicy ?? string.Empty, keyId);
        }
        else if (verifiedPolicy is not null)
        {
            LogRedemptionRefused(_logger, ReasonNames[(int)reason], keyId);
        }
        else
        {
            LogRefusedUnverified(_logger, ReasonNames[(int)reason]);
        }
    }

    /// <summary>Counts and logs an issue an issuance policy refused: reason, role and binding policy only, never a JID or a token.</summary>
    internal void IssueRefused(InvitationIssueRefusalReason reason, string role, string policy)
    {
        var name = IssueRefusalNames[(int)reason];
        _issueRefused?.Add(1, new KeyValuePair<string, object?>("reason", name), new KeyValuePair<string, object?>("role", role));
        LogIssueRefused(_logger, name, role, policy);
    }

    internal void KeyRingReloaded(int keys) => LogKeyRingReloaded(_logger, keys);

    internal void KeyRingReloadFailed(string problem) => LogKeyRingReloadFailed(_logger, problem);

    internal void LedgerUnavailable(string ledger, Exception exception) => LogLedgerUnavailable(_logger, ledger, exception);

    internal void EventSinkFailed(string sink, string kind, Exception exception) => LogEventSinkFailed(_logger, sink, kind, exception);

    internal void EventSinkTimedOut(string sink, string kind) => LogEventSinkTimedOut(_logger, sink, kind);

    internal void EventDropped(string kind) => LogEventDropped(_logger, kind);

    private static KeyValuePair<string, object?> Outcome(InvitationFailureReason reason) =>
        new("outcome", reason == InvitationFailureReason.None ? "valid" : "refused");

    private static KeyValuePair<string, object?> Reason(InvitationFailureReason reason) => new("reason", ReasonNames[(int)reason]);

    [LoggerMessage(EventId = 1, EventName = "InvitationIssued", Level = LogLevel.Debug, Message = "Issued a {Policy} invitation")]
    private static partial void LogIssued(ILogger logger, string policy);

    [LoggerMessage(EventId = 2, EventName = "InvitationRefused", Level = LogLevel.Debug, Message = "Invitation refused: {Reason} (key {KeyId})")]
    private static partial void LogRefused(ILogger logger, string reason, int keyId);

    [LoggerMessage(EventId = 3, EventName = "InvitationRedeemed", Level = LogLevel.Debug, Message = "Redeemed a {Policy} invitation signed by key {KeyId}")]
    private static partial void LogRedeemed(ILogger logger, string policy, int keyId);

    [LoggerMessage(EventId = 4, EventName = "RedemptionRefused", Level = LogLevel.Debug, Message = "Redemption refused: {Reason} (key {KeyId})")]
    private static partial void LogRedemptionRefused(ILogger logger, string reason, int keyId);

    [LoggerMessage(EventId = 5, EventName = "KeyRingReloaded", Level = LogLevel.Information, Message = "Invitation options reloaded; the key ring holds {KeyCount} keys")]
    private static partial void LogKeyRingReloaded(ILogger logger, int keyCount);

    [LoggerMessage(EventId = 6, EventName = "KeyRingReloadFailed", Level = LogLevel.Error, Message = "Invitation options change ignored, the previous configuration stays in force: {Problem}")]
    private static partial void LogKeyRingReloadFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 7, EventName = "LedgerUnavailable", Level = LogLevel.Warning, Message = "The redemption ledger {Ledger} is unavailable; invitations are refused until it is back")]
    private static partial void LogLedgerUnavailable(ILogger logger, string ledger, Exception exception);

    [LoggerMessage(EventId = 9, EventName = "IssueRefused", Level = LogLevel.Information, Message = "Issue refused by an issuance policy: {Reason} (inviter role {Role}, policy {Policy})")]
    private static partial void LogIssueRefused(ILogger logger, string reason, string role, string policy);

    [LoggerMessage(EventId = 10, EventName = "EventSinkFailed", Level = LogLevel.Warning, Message = "The invitation event sink {Sink} failed on a {Kind} event; the outcome stands")]
    private static partial void LogEventSinkFailed(ILogger logger, string sink, string kind, Exception exception);

    [LoggerMessage(EventId = 11, EventName = "EventDropped", Level = LogLevel.Warning, Message = "An invitation {Kind} event was dropped: the event queue is full")]
    private static partial void LogEventDropped(ILogger logger, string kind);

    [LoggerMessage(EventId = 12, EventName = "EventSinkTimedOut", Level = LogLevel.Warning, Message = "The invitation event sink {Sink} did not complete a {Kind} event in time; it is abandoned and the outcome stands")]
    private static partial void LogEventSinkTimedOut(ILogger logger, string sink, string kind);

    [LoggerMessage(EventId = 8, EventName = "InvitationRefusedUnverified", Level = LogLevel.Debug, Message = "Invitation refused before its signature verified: {Reason}")]
    private static partial void LogRefusedUnverified(ILogger logger, string reason);
}
