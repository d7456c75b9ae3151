namespace Mix.Invitations.Internal;

/// <summary>Argument checks for <see cref="Jid"/> values, where <c>default(Jid)</c> is a misuse rather than an address.</summary>
internal static class JidArgument
{
    /// <summary>Refuses the empty <c>default(Jid)</c> where an address is required.</summary>
    internal static void ThrowIfEmpty(Jid jid, string paramName)
    {
        if (jid.IsEmpty)
        {
            throw new ArgumentException($"The {paramName} must be a JID, not default(Jid).", paramName);
        }
    }

    /// <summary>Refuses the empty <c>default(Jid)</c> where an address is optional (null is fine).</summary>
    internal static void ThrowIfEmpty(Jid? jid, string paramName)
    {
        if (jid is { IsEmpty: true })
        {
            throw new ArgumentException($"The {paramName} must be a JID or null, not default(Jid).", paramName);
        }
    }
}
