using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Mix.Invitations.Component;

/// <summary>An invitation-only channel: its owner, its participants (bare JID → participant id) and its configuration, in memory.</summary>
internal sealed class MixChannel
{
    private readonly ConcurrentDictionary<Jid, string> _participants = new();
    private volatile Jid[] _administrators = [];
    private bool _participantsMayInvite;

    public MixChannel(Jid address, Jid owner)
    {
        Address = address;
        Owner = owner;
        Join(owner);
    }

    public Jid Address { get; }

    public Jid Owner { get; }

    /// <summary>
    /// Gets or sets the XEP-0406 setting "Participation Addition by Invitation from Participant": whether participants
    /// other than the owner may invite. Off by default, as XEP-0406 has it; the owner turns it on.
    /// </summary>
    public bool ParticipantsMayInvite
    {
        get => Volatile.Read(ref _participantsMayInvite);
        set => Volatile.Write(ref _participantsMayInvite, value);
    }

    /// <summary>
    /// Gets or sets the channel's administrators (XEP-0369 §6.3, the XEP-0406 "Administrator" field), bare JIDs, which
    /// the owner sets. They may run the administration commands and are exempt from the issuance rules, like the owner.
    /// </summary>
    public IReadOnlyList<Jid> Administrators
    {
        get => _administrators;
        set => _administrators = value.Select(j => j.Bare).Distinct().ToArray();
    }

    /// <summary>Gets the participants' bare JIDs.</summary>
    public ICollection<Jid> Participants => _participants.Keys;

    public bool IsParticipant(Jid user) => _participants.ContainsKey(user.Bare);

    /// <summary>Gets the role the issuance rules apply to <paramref name="user"/>: owner, administrator, participant, or anyone else.</summary>
    public string RoleOf(Jid user) =>
        user.Bare == Owner ? InvitationRoles.Owner
        : _administrators.Contains(user.Bare) ? InvitationRoles.Administrator
        : IsParticipant(user) ? InvitationRoles.Participant
        : InvitationRoles.Other;

    /// <summary>Adds a participant (once) and returns its stable participant id (XEP-0369 §7.1).</summary>
    public string Join(Jid user) => _participants.GetOrAdd(user.Bare, _ => RandomNumberGenerator.GetHexString(16, lowercase: true));
}
