using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Mix.Invitations.Internal;

/// <summary>
/// A DataAnnotations range for an <see cref="int"/> or <see cref="TimeSpan"/> option whose message names the field
/// and the offending value (the stock <see cref="RangeAttribute"/> names only the bounds). The
/// <c>[OptionsValidator]</c> source generator calls it like any other validation attribute.
/// </summary>
/// <remarks>Only for options that are not secret: the value is written into the message.</remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class OptionRangeAttribute : ValidationAttribute
{
    /// <summary>Initializes an inclusive range of integers.</summary>
    public OptionRangeAttribute(int minimum, int maximum)
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>Initializes an inclusive range of durations, written in the invariant constant format (<c>d.hh:mm:ss</c>).</summary>
    public OptionRangeAttribute(string minimum, string maximum)
    {
        Minimum = TimeSpan.ParseExact(minimum, "c", CultureInfo.InvariantCulture);
        Maximum = TimeSpan.ParseExact(maximum, "c", CultureInfo.InvariantCulture);
    }

    public IComparable Minimum { get; }

    public IComparable Maximum { get; }

    public override bool RequiresValidationContext => true;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (value is null || (Minimum.CompareTo(value) <= 0 && Maximum.CompareTo(value) >= 0))
        {
            return ValidationResult.Success;
        }

        // The generator sets DisplayName to the path ("MixInvitationOptions.Keys[0].Id"); dropping the type name gives
        // the path the cross-field validator uses ("Keys[0].Id"). No member names: the options machinery would prefix
        // them to the message a second time.
        var path = validationContext.DisplayName;
        const string Prefix = nameof(MixInvitationOptions) + ".";
        if (path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            path = path[Prefix.Length..];
        }

        return new ValidationResult($"{path} is {Format(value)}; it must be between {Format(Minimum)} and {Format(Maximum)}.");
    }

    private static string Format(object value) => value is IFormattable formattable
        ? formattable.ToString(value is TimeSpan ? "c" : null, CultureInfo.InvariantCulture)
        : value.ToString() ?? string.Empty;
}
