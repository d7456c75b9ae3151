namespace Mix.Invitations.Tests.Jids;

public class JidTests
{
    [Fact]
    public void Parse_MixedCaseAndTrailingDot_GivesCanonicalForm()
    {
        var jid = Jid.Parse("Cat@Shakespeare.LIT./Balcony");

        jid.Local.Should().Be("cat");
        jid.Domain.Should().Be("shakespeare.lit");
        jid.Resource.Should().Be("Balcony");
        jid.ToString().Should().Be("cat@shakespeare.lit/Balcony");
        jid.Bare.ToString().Should().Be("cat@shakespeare.lit");
        jid.IsBare.Should().BeFalse();
        jid.Bare.IsBare.Should().BeTrue();
    }

    [Fact]
    public void Equals_TwoSpellingsOfOneAddress_AreEqualWithEqualHashes()
    {
        var a = Jid.Parse("Cat@Shakespeare.LIT");
        var b = Jid.Parse("cat@shakespeare.lit");

        (a == b).Should().BeTrue();
        a.GetHashCode().Should().Be(b.GetHashCode());
    }

    [Theory]
    [InlineData("@example.com", JidPart.Localpart, "localpart is empty")]
    [InlineData("user@", JidPart.Domainpart, "domainpart is empty")]
    [InlineData("user@example.com/", JidPart.Resourcepart, "resourcepart is empty")]
    [InlineData("us<er@example.com", JidPart.Localpart, "localpart contains disallowed character U+003C '<'")]
    public void Parse_BadInput_ThrowsNamingPartAndCause(string text, JidPart part, string message)
    {
        var act = () => Jid.Parse(text);

        act.Should().Throw<JidFormatException>().Which.Should().Match<JidFormatException>(e => e.Part == part && e.Message.StartsWith(message, StringComparison.Ordinal));
        Jid.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().StartWith(message);
    }
}
