namespace Mix.Invitations.Internal;

/// <summary>
/// Describes a configuration binding failure without the value that failed: the one message used at start-up and on
/// reload, so neither can quote a secret that was put in the wrong field. The options factory replaces every
/// <see cref="InvalidOperationException"/> from building the options with it, so a message of another shape (not the
/// binder's) becomes the generic one.
/// </summary>
internal static class ConfigurationBindingError
{
    // The binder's message: "Failed to convert configuration value '{value}' at '{path}' to type '{type}'." The value
    // comes first and may hold anything, so the path and type are read from the end, where only key names and a type
    // name can be.
    private const string AtMarker = "' at '";
    private const string TypeMarker = "' to type '";

    /// <summary>Gets a message that names the setting and the type it needs, or only the kind of failure when the binder's message has another shape.</summary>
    /// <param name="binderMessage">The binder's message, which may quote the value.</param>
    /// <returns>A message with no part of any configured value.</returns>
    internal static string Describe(string binderMessage)
    {
        const string Generic = "MixInvitations options could not be built: a configuration value has the wrong format, or a configure step failed (the message is not shown, as it may quote a secret).";
        var type = binderMessage.LastIndexOf(TypeMarker, StringComparison.Ordinal);
        if (type < 0 || !binderMessage.EndsWith("'.", StringComparison.Ordinal))
        {
            return Generic;
        }

        var at = binderMessage.LastIndexOf(AtMarker, type, StringComparison.Ordinal);
        if (at < 0)
        {
            return Generic;
        }

        var path = binderMessage[(at + AtMarker.Length)..type];
        var typeName = binderMessage[(type + TypeMarker.Length)..^2];
        return IsPlain(path) && IsPlain(typeName)
            ? $"The configuration value at '{path}' cannot be converted to {typeName} (the value is not shown, as it may be a secret)."
            : Generic;
    }

    /// <summary>Whether a piece read back from the message is a key path or type name, not a fragment of a value.</summary>
    private static bool IsPlain(string text) =>
        text.Length is > 0 and <= 256 && !text.Contains('\'', StringComparison.Ordinal) && !text.AsSpan().ContainsAny('\r', '\n');
}
