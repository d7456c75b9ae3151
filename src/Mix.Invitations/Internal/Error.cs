namespace Mix.Invitations.Internal;

/// <summary>Factories for the exceptions misuse gets, so messages stay consistent (NSec's Error.cs pattern).</summary>
internal static class Error
{
    /// <summary>A request field that does not fit: the exception's ParamName is the field, as callers of Issue expect.</summary>
    internal static ArgumentException Request_Field(string field, string message) => new(message, field);

    /// <summary>A request field out of its range.</summary>
    internal static ArgumentOutOfRangeException Request_FieldRange(string field, object? value, string message) => new(field, value, message);
}
