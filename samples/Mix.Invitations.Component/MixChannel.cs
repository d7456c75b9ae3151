using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Mix.Invitations.Component;

/// <summary>An invitation-only channel: its owner and its participants (bare JID → participant id), in memory.</summary>
internal sealed class MixChannel
{
    private readonly ConcurrentDictionary<Jid, string> _participants = new();

    public MixChannel(Jid address, Jid owner)
    {
        Address = address;
        Owner = owner;
        Join(owner);
    }

    public Jid Address { get; }

    public Jid Owner { get; }

    /// <summary>Gets the participants' bare JIDs.</summary>
    public ICollection<Jid> Participants => _participants.Keys;

    public bool IsParticipant(Jid user) => _participants.ContainsKey(user.Bare);

    /// <summary>Adds a participant (once) and returns its stable participant id (XEP-0369 §7.1).</summary>
    public string Join(Jid user) => _participants.GetOrAdd(user.Bare, _ => RandomNumberGenerator.GetHexString(16, lowercase: true));
}
