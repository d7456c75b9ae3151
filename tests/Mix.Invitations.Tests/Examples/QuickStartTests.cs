using System.Text.RegularExpressions;

namespace Mix.Invitations.Tests.Examples;

/// <summary>The README's quick start, compiled here and run; a second test keeps the README's copy identical.</summary>
public partial class QuickStartTests
{
    [Fact]
    public async Task QuickStart_Runs_AndAdmitsOnlyTheInvitee()
    {
        var (xml, welcome, refusal) = await QuickStartAsync();

        xml.Should().Contain("<token>");
        welcome.Should().BeTrue();
        refusal.Should().Be("auth/forbidden: The invitation was issued to another user.");
    }

    [Fact]
    public void Readme_QuickStartBlock_IsTheCodeThisTestRuns()
    {
        var readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "docs", "README.md"));
        var source = File.ReadAllText(SourcePath());

        Normalise(Between(readme, "<!-- quickstart -->\n```csharp\n", "```\n<!-- /quickstart -->")).Should().Be(Normalise(Between(source, "// quickstart:begin\n", "// quickstart:end")));
    }

    private static async Task<(string Xml, bool Welcome, string Refusal)> QuickStartAsync()
    {
        // quickstart:begin
        // Configure once: a key ring of at least one 32-byte random secret (from your secret store).
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
        var invitations = InvitationService.Create(options);

        // Issue: hag66 asks the channel for an invitation for cat (the XEP-0407 <invite/> IQ).
        InvitationIssueResult result = await invitations.IssueAsync(new InvitationIssueRequest
        {
            Channel = Jid.Parse("coven@mix.shakespeare.example"),
            Inviter = Jid.Parse("hag66@shakespeare.example"),
            Invitee = Jid.Parse("cat@shakespeare.example"),
        });
        IssuedInvitation issued = result.Issued; // or result.StanzaError, when an issuance rule refused
        Invitation invitation = issued.Invitation; // issued.Claims: expiry, key id, token id — nothing to validate again
        string xml = new InviteResult(invitation).ToXml(); // the IQ result's payload

        // Validate a join: the channel is the stanza's 'to', the joiner its server-stamped 'from'.
        var join = InvitationXml.Read<MixJoin>(new MixJoin(invitation).ToXml());
        bool welcome = invitations.TryValidate(join.Invitation, new InvitationContext
        {
            Channel = Jid.Parse("coven@mix.shakespeare.example"),
            Joiner = Jid.Parse("cat@shakespeare.example/balcony"),
        }, out var validation);

        // Anyone else presenting it is refused, with the stanza error to send back.
        invitations.TryValidate(invitation, new InvitationContext { Channel = invitation.Channel, Joiner = Jid.Parse("rat@shakespeare.example") }, out var other);
        string refusal = other.StanzaError.ToString(); // "auth/forbidden: The invitation was issued to another user."
        // quickstart:end
        return (xml, welcome, refusal);
    }

    private static string SourcePath([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        File.Exists(path) ? path : Path.Combine(AppContext.BaseDirectory, "Vectors", "docs", "QuickStartTests.cs");

    private static string Between(string text, string start, string end)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var from = text.IndexOf(start, StringComparison.Ordinal);
        from.Should().BeGreaterThanOrEqualTo(0, $"the marker {start.Trim()} must be present");
        from += start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        to.Should().BeGreaterThan(from);
        return text[from..to];
    }

    private static string Normalise(string code) => string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}
