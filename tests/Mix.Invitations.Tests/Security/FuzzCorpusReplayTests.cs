using Mix.Invitations.Fuzz;

namespace Mix.Invitations.Tests.Security;

/// <summary>
/// Replays every input the fuzzers ever kept (fuzz/corpus/&lt;target&gt;/, copied beside the tests) through the same
/// targets the harness runs (fuzz/Mix.Invitations.Fuzz/FuzzTargets.cs, linked in): no input may make a target throw —
/// neither an exception escaping a <c>Try…</c> API nor a broken property (<see cref="FuzzOracleException"/>).
/// </summary>
[Collection(Mix.Invitations.Tests.Properties.HeavyTests.Name)]
public class FuzzCorpusReplayTests
{
    private static readonly string CorpusRoot = Path.Combine(AppContext.BaseDirectory, "Vectors", "fuzz-corpus");

    [Theory]
    [InlineData("token", 20)]
    [InlineData("invitation", 200)]
    [InlineData("uri", 200)]
    public void EveryCorpusInput_RunsThroughItsTargetWithoutAFailure(string target, int atLeast)
    {
        var directory = Path.Combine(CorpusRoot, target);
        Directory.Exists(directory).Should().BeTrue($"the corpus is copied to {directory} (not when built with SkipFuzzCorpus=true)");
        var files = Directory.GetFiles(directory);
        files.Length.Should().BeGreaterThanOrEqualTo(atLeast, "the committed corpus holds what the fuzzing runs kept");

        var failures = new List<string>();
        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                outcomes.Add(FuzzTargets.All[target](File.ReadAllBytes(file)));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures.Add($"{Path.GetFileName(file)}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        failures.Should().BeEmpty();
        outcomes.Count.Should().BeGreaterThan(1, "the corpus reaches more than one outcome");
    }

    [Fact]
    public void Finding_IdnDomainEndingInTwoDots_IsRefusedNotNormalisedToATrailingDot()
    {
        // fuzz/corpus/uri/finding-idn-trailing-dots: "…;inviter=hag6%4eare.%C4%Acre.emp.." read an inviter
        // "hag6nare.ĭre.emp." that parsed again as "hag6nare.ĭre.emp" — two values for one address.
        Jid.TryParse("hag6nare.\u012Dre.emp..".AsSpan(), out _, out var error).Should().BeFalse();
        error.Should().Be("domainpart has an empty label", "the error names the problem without quoting the input");
        Jid.TryParse("cat@caf\u00E9.example..".AsSpan(), out _, out _).Should().BeFalse("as 'cat@cafe.example..' is (ASCII path)");
        Jid.TryParse("cat@cafe.example..".AsSpan(), out _, out _).Should().BeFalse();
        Jid.Parse("cat@caf\u00E9.example.").Should().Be(Jid.Parse("cat@caf\u00E9.example"), "one final dot is stripped (RFC 7622 §3.2)");
        Jid.Parse("cat@caf\u00E9.example\u3002").Should().Be(Jid.Parse("cat@caf\u00E9.example"), "an ideographic full stop separates labels too");
        InvitationUri.TryParse("xmpp:kespe%C3%A9ample?join;preauth=NU9CQ;inviter=hag6%4eare.%C4%Acre.emp..", out _, out var uriError).Should().BeFalse();
        uriError.Should().Contain("inviter");
    }

    [Fact]
    public void Finding_ReaderOverInvalidUtf8_FailsAtCreationInTheCallersCode()
    {
        // fuzz/corpus/invitation/finding-bom-then-invalid-utf8: XmlReader.Create decodes the first bytes at once and
        // throws there, in the caller's code, before the library is handed the reader (a harness fix, not a library
        // one); the string and XElement paths of the same input refuse it with an error.
        var bytes = Convert.FromBase64String("77u/gTxqY29ynMUxIj48ZXhhbXBsZTxudml0ZXI+PGlsQXZpdGVlPmM+");

        FluentActions.Invoking(() => System.Xml.XmlReader.Create(new MemoryStream(bytes))).Should().Throw<System.Xml.XmlException>();
        InvitationXml.TryRead<Invitation>(System.Text.Encoding.UTF8.GetString(bytes), out _, out var error).Should().BeFalse();
        error.Should().StartWith("Cannot read <invitation>:");
    }

    [Fact]
    public void Finding_XmlDeclarationWithANonAsciiVersion_IsARefusalNotAnException()
    {
        // fuzz/corpus/invitation/finding-xml-declaration-encoding-switch, found by the mutation driver's repetition
        // mutation: System.Xml's reader over bytes throws ArgumentOutOfRangeException (Buffer.BlockCopy from
        // XmlTextReaderImpl.SwitchEncoding) on "<?xml version='1.0ς'?>"; TryRead… let it escape.
        var bytes = Convert.FromBase64String("PD94bWwgdmVyc2lvbj0nMS4wz4InPz4=");
        using var reader = System.Xml.XmlReader.Create(new MemoryStream(bytes), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit });

        InvitationXml.TryRead<Invitation>(reader, out var invitation, out var error).Should().BeFalse();
        invitation.Should().BeNull();
        error.Should().Be("Cannot read <invitation>: the XmlReader failed (ArgumentOutOfRangeException)");
    }
}
