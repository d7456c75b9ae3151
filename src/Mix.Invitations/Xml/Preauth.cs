using System.Xml;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// The pre-authentication element of XEP-0379 (PARS) and XEP-0445: <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c>,
/// carried in a <c>&lt;presence/&gt;</c> or an <c>&lt;iq/&gt;</c>. For MIX it presents a bearer (unbound) invitation token.
/// </summary>
/// <remarks>Instances are immutable and compare by value. <see cref="ToString"/> does not show the token.</remarks>
public sealed class Preauth : WireElement, IEquatable<Preauth>
{
    /// <summary>Initializes a new element.</summary>
    /// <param name="token">The token, exactly as issued.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="token"/> is empty.</exception>
    public Preauth(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        Token = token;
    }

    /// <summary>Gets the token, exactly as issued.</summary>
    public string Token { get; }

    /// <inheritdoc />
    public bool Equals(Preauth? other) => other is not null && string.Equals(Token, other.Token, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Preauth);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Token);

    /// <summary>Describes the element without its token, which is a bearer secret.</summary>
    /// <returns>A fixed description.</returns>
    public override string ToString() => "preauth (token hidden)";

    /// <inheritdoc />
    private protected override void WriteCore(XmlWriter writer)
    {
        EnsureXmlText(Token, "token");
        writer.WriteStartElement("preauth", XmlNames.Pars);
        writer.WriteAttributeString("token", Token);
        writer.WriteEndElement();
    }
}
