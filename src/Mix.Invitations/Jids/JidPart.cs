namespace Mix.Invitations;

/// <summary>The part of a JID that an error or value refers to (RFC 7622 §3).</summary>
public enum JidPart
{
    /// <summary>The address as a whole, before it was split into parts.</summary>
    Address = 0,

    /// <summary>The localpart, before the <c>@</c>.</summary>
    Localpart = 1,

    /// <summary>The domainpart, between the <c>@</c> and the <c>/</c>.</summary>
    Domainpart = 2,

    /// <summary>The resourcepart, after the first <c>/</c>.</summary>
    Resourcepart = 3,
}
