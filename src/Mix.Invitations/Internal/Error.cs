namespace Mix.Invitations.Internal;

/// <summary>Factories for the exceptions misuse gets, so messages stay consistent (NSec's Error.cs pattern).</summary>
internal static class Error
{
    /// <summary>A request field that does not fit: the exception's ParamName is the field, as callers of Issue expect.</summary>
    internal static ArgumentException Request_Field(string field, string message) => new(message, field);

    /// <summary>A request field out of its range.</summary>
    internal static ArgumentOutOfRangeException Request_FieldRange(string field, object? value, string message) => new(field, value, message);

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
