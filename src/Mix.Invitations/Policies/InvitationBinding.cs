namespace Mix.Invitations;

/// <summary>The fields of an <c>&lt;invitation/&gt;</c> a binding policy puts under the token's tag.</summary>
[Flags]
#pragma warning disable CA1711 // "Binding" is the domain word, not a suffix of convenience.
public enum InvitationBinding
#pragma warning restore CA1711
{
    /// <summary>The channel. Every policy binds it: a token never admits to another channel.</summary>
    Channel = 1,

    /// <summary>The inviter (present or absent, as issued).</summary>
    Inviter = 2,

    /// <summary>The invitee (present or absent, as issued).</summary>
    Invitee = 4,
}
