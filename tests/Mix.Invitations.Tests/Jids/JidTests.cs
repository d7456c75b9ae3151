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
    public void Bare_OfAFullJid_IsMadeOnceAndEqualsTheParsedBareAddress()
    {
        var full = Jid.Parse("Cat@Shakespeare.LIT/Balcony");
        var bare = full.Bare;

        // Up to five rounds: the runtime may allocate once on this thread while tiering the loop up; making the bare
        // address on each call would show in every round.
        var rounds = new List<long>();
        for (var round = 0; round < 5 && (rounds.Count == 0 || rounds[^1] != 0); round++)
        {
            var same = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                same += full.Bare == bare ? 1 : 0;
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            same.Should().Be(100);
        }

        rounds.Min().Should().Be(0, "the bare address is kept after its first use");
        bare.Should().Be(Jid.Parse("cat@shakespeare.lit"));
        bare.GetHashCode().Should().Be(Jid.Parse("cat@shakespeare.lit").GetHashCode());
        bare.Bare.Should().Be(bare);
        full.Should().NotBe(bare);
    }

    [Fact]
    public void Default_IsEmptyAndEqualOnlyToItself()
    {
        var empty = default(Jid);

        empty.IsEmpty.Should().BeTrue();
        empty.IsBare.Should().BeTrue();
        empty.ToString().Should().BeEmpty();
        empty.Domain.Should().BeEmpty();
        empty.Local.Should().BeNull();
        empty.Bare.IsEmpty.Should().BeTrue();
        empty.Should().Be(default(Jid));
        empty.Should().NotBe(Jid.Parse("shakespeare.lit"));
        empty.GetHashCode().Should().Be(default(Jid).GetHashCode());
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
    [InlineData("@example.com/pda", JidPart.Localpart, "localpart is empty: an '@' must follow a localpart")]
    [InlineData("example.com/", JidPart.Resourcepart, "resourcepart is empty: a '/' must be followed by a resourcepart")]
    [InlineData("/pda", JidPart.Domainpart, "domainpart is empty")]
    [InlineData("user@/pda", JidPart.Domainpart, "domainpart is empty")]
    [InlineData("user@.", JidPart.Domainpart, "domainpart is empty")]
    [InlineData("us\u0007er@example.com", JidPart.Localpart, "localpart contains disallowed character U+0007 (control character)")]
    [InlineData("user@exa\u0001mple.com", JidPart.Domainpart, "domainpart contains disallowed character U+0001 (control character)")]
    [InlineData("user@example.com/a\u0000b", JidPart.Resourcepart, "resourcepart contains disallowed character U+0000 (control character)")]
    [InlineData("user@example.com/a\u0085b", JidPart.Resourcepart, "resourcepart contains disallowed character U+0085 (control character)")]
    [InlineData("user name@example.com", JidPart.Localpart, "localpart contains disallowed character U+0020 (space)")]
    [InlineData("\u05D0\u05D1+@example.com", JidPart.Localpart, "localpart violates the bidi rule (RFC 5893)")]
    [InlineData("\u2665@example.com", JidPart.Localpart, "localpart contains disallowed character U+2665 '\u2665' (symbol not allowed in identifiers)")]
    public void Parse_BadInput_ThrowsNamingPartAndCause(string text, JidPart part, string message)
    {
        var act = () => Jid.Parse(text);

        act.Should().Throw<JidFormatException>().Which.Should().Match<JidFormatException>(e => e.Part == part && e.Message.StartsWith(message, StringComparison.Ordinal));
        Jid.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().StartWith(message);
    }

    [Theory]
    [InlineData(JidPart.Localpart, 0xD800, "localpart contains an unpaired surrogate U+D800")]
    [InlineData(JidPart.Domainpart, 0xDC00, "domainpart contains an unpaired surrogate U+DC00")]
    [InlineData(JidPart.Resourcepart, 0xD83D, "resourcepart contains an unpaired surrogate U+D83D")]
    public void Parse_UnpairedSurrogate_ThrowsNamingPartAndCodeUnit(JidPart part, int codeUnit, string message)
    {
        // Built here rather than in InlineData: xunit's serialisation of theory data replaces lone surrogates with U+FFFD.
        var surrogate = ((char)codeUnit).ToString();
        var text = part switch
        {
            JidPart.Localpart => "us" + surrogate + "er@example.com",
            JidPart.Domainpart => "user@exa" + surrogate + "mple.com",
            _ => "user@example.com/pda" + surrogate,
        };

        var act = () => Jid.Parse(text);

        act.Should().Throw<JidFormatException>().Which.Should().Match<JidFormatException>(e => e.Part == part && e.Message == message);
    }

    [Theory]
    [InlineData(JidPart.Localpart, "localpart is 1024 bytes; at most 1023 allowed")]
    [InlineData(JidPart.Domainpart, "domainpart is 1040 bytes; at most 1023 allowed")]
    [InlineData(JidPart.Resourcepart, "resourcepart is 1026 bytes; at most 1023 allowed")]
    public void Parse_OverLongPart_ThrowsNamingPartAndLength(JidPart part, string message)
    {
        var text = part switch
        {
            JidPart.Localpart => new string('a', 1024) + "@example.com",
            JidPart.Domainpart => "user@" + string.Join('.', Enumerable.Repeat(new string('d', 63), 16)) + new string('d', 17),
            _ => "user@example.com/" + new string('\u00E9', 513),
        };

        var act = () => Jid.Parse(text);

        act.Should().Throw<JidFormatException>().Which.Should().Match<JidFormatException>(e => e.Part == part && e.Message == message);
    }

    [Fact]
    public void Parse_LongestParts_AreAccepted()
    {
        var local = new string('a', 1023);
        var resource = new string('r', 1023);

        var jid = Jid.Parse(local + "@example.com/" + resource);

        jid.Local.Should().Be(local);
        jid.Resource.Should().Be(resource);
    }

    [Fact]
    public void Parse_NonAsciiParts_AreNormalizedWithPrecis()
    {
        // Localpart: width mapping and toLowerCase (U+0130 → "i\u0307"); resourcepart: non-ASCII space → U+0020, case kept.
        var jid = Jid.Parse("\uFF2A\u0130@example.com/Ba\u3000Lcony");

        jid.Local.Should().Be("ji\u0307");
        jid.Resource.Should().Be("Ba Lcony");
    }
}
