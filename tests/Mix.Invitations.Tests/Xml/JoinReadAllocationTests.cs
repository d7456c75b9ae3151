using System.Xml.Linq;

namespace Mix.Invitations.Tests.Xml;

/// <summary>Runs alone: allocation counts are read while no other test thread churns the GC.</summary>
[CollectionDefinition(nameof(JoinReadAllocationTests), DisableParallelization = true)]
public sealed class JoinReadAllocationTestsRunAlone;

/// <summary>
/// Issue 20, requirement 1: reading a XEP-0369 <c>&lt;join/&gt;</c> IQ carrying a XEP-0407 invitation and validating
/// it allocates at most 4 KB from a string and 1 KB from an <see cref="XElement"/>, beyond the objects it returns.
/// Allocation is deterministic, so it is pinned here; time is measured by the benchmarks, never by a test.
/// </summary>
/// <remarks>
/// The objects returned are counted as what building the same <see cref="MixJoin"/> with the public API costs, measured
/// the same way on the same runtime: the three addresses parsed with <see cref="Jid.Parse(string)"/> from their text,
/// the <see cref="Invitation"/>, and the <see cref="MixJoin"/> with its copy of the subscriptions. From a string the
/// reader also makes the token, the nick and the two node names, so copies of those strings count as returned too;
/// from an <see cref="XElement"/> they are the tree's own strings, and cost nothing.
/// </remarks>
[Collection(nameof(JoinReadAllocationTests))]
public class JoinReadAllocationTests
{
    private const long StringBudget = 4 * 1024;
    private const long XElementBudget = 1024;
    private const string Nick = "thirdwitch";
    private const string Messages = "urn:xmpp:mix:nodes:messages";
    private const string Presence = "urn:xmpp:mix:nodes:presence";

    private static readonly string ChannelText = TestKeys.Channel.ToString();
    private static readonly string InviterText = TestKeys.Inviter.ToString();
    private static readonly string InviteeText = TestKeys.Invitee.ToString();

    [Fact]
    public void ReadJoinFromString_AndValidate_AllocatesAtMost4KBBeyondTheReturnedObjects()
    {
        var (service, context, token) = Issued();
        var xml = JoinIq(token);
        Read(xml).Should().BeTrue();

        var nodes = new[] { Messages, Presence };
        var returned = PerCall(() => GC.KeepAlive(Build(token, nodes)), 1000)
            + PerCall(
                () =>
                {
                    GC.KeepAlive(new string(token.AsSpan()));
                    GC.KeepAlive(new string(Nick.AsSpan()));
                    GC.KeepAlive(new string(Messages.AsSpan()));
                    GC.KeepAlive(new string(Presence.AsSpan()));
                },
                1000);
        returned.Should().BeGreaterThan(0);

        var refused = 0;
        var rounds = new List<long>();
        for (var round = 0; round < 5 && (rounds.Count == 0 || rounds[^1] - returned > StringBudget); round++)
        {
            rounds.Add(PerCall(() => refused += Read(xml) ? 0 : 1, 1000));
        }

        refused.Should().Be(0);
        TestContext.Current.TestOutputHelper?.WriteLine($"from a string: {rounds.Min()} B per read and validation, {returned} B returned, {rounds.Min() - returned} B beyond");
        (rounds.Min() - returned).Should().BeLessThanOrEqualTo(
            StringBudget,
            $"bytes per read from a string and validation, per round of 1000: {string.Join(", ", rounds)}; the returned objects are {returned} B");

        bool Read(string text) => service.TryValidate(InvitationXml.Read<MixJoin>(text).Invitation, context, out _);
    }

    [Fact]
    public void ReadJoinFromXElement_AndValidate_AllocatesAtMost1KBBeyondTheReturnedObjects()
    {
        var (service, context, token) = Issued();
        var xml = JoinIq(token);

        // A tree per read, parsed before the count starts, as a server's XMPP stack hands over each stanza freshly
        // parsed: the read must not write to the tree (which would allocate on a fresh one, and not on a reused one).
        const int Calls = 500;
        var trees = new XElement[(Calls + Warmup) * 5 + 1];
        for (var i = 0; i < trees.Length; i++)
        {
            trees[i] = XElement.Parse(xml);
        }

        Read(trees[0]).Should().BeTrue();

        var nodes = new[] { Messages, Presence };
        var returned = PerCall(() => GC.KeepAlive(Build(token, nodes)), Calls);
        returned.Should().BeGreaterThan(0);

        var next = 1;
        var refused = 0;
        var rounds = new List<long>();
        for (var round = 0; round < 5 && (rounds.Count == 0 || rounds[^1] - returned > XElementBudget); round++)
        {
            rounds.Add(PerCall(() => refused += Read(trees[next++]) ? 0 : 1, Calls));
        }

        refused.Should().Be(0);
        TestContext.Current.TestOutputHelper?.WriteLine($"from an XElement: {rounds.Min()} B per read and validation, {returned} B returned, {rounds.Min() - returned} B beyond");
        (rounds.Min() - returned).Should().BeLessThanOrEqualTo(
            XElementBudget,
            $"bytes per read from a fresh XElement and validation, per round of {Calls}: {string.Join(", ", rounds)}; the returned objects are {returned} B");

        bool Read(XElement element) => service.TryValidate(InvitationXml.Read<MixJoin>(element).Invitation, context, out _);
    }

    [Fact]
    public void ReadJoinFromXElement_LeavesTheTreeAsItWas()
    {
        var (_, _, token) = Issued();
        var element = XElement.Parse(JoinIq(token));
        var before = element.ToString(SaveOptions.DisableFormatting);

        var join = InvitationXml.Read<MixJoin>(element);

        join.Invitation.Token.Should().Be(token);
        element.ToString(SaveOptions.DisableFormatting).Should().Be(before);

        // A leaf that holds only a string is read without being given a text node (which reading FirstNode would do).
        var tokenElement = element.Descendants(XName.Get("token", "urn:xmpp:mix:misc:0")).Single();
        ReferenceEquals(tokenElement.Value, join.Invitation.Token).Should().BeTrue("the token is the tree's own string, not a copy");
    }

    private static (InvitationService Service, InvitationContext Context, string Token) Issued()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;
        return (service, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }, invitation.Token);
    }

    private static MixJoin Build(string token, string[] nodes) =>
        new(new Invitation(Jid.Parse(ChannelText), token, Jid.Parse(InviterText), Jid.Parse(InviteeText)), nodes, Nick);

    // XEP-0369 §7.1.2's join, with the XEP-0407 §6 invitation in it (the benchmarks' stanza).
    private static string JoinIq(string token) => $"""
        <iq type='set' from='{InviteeText}/UUID-a1j/7533' to='{ChannelText}' id='E6E10350-76CF-40C6-B91B-1EA08C332FC7'>
          <join xmlns='urn:xmpp:mix:core:1'>
            <subscribe node='{Messages}'/>
            <subscribe node='{Presence}'/>
            <nick>{Nick}</nick>
            <invitation xmlns='urn:xmpp:mix:misc:0'>
              <inviter>{InviterText}</inviter>
              <invitee>{InviteeText}</invitee>
              <channel>{ChannelText}</channel>
              <token>{token}</token>
            </invitation>
          </join>
        </iq>
        """;

    private const int Warmup = 50;

    private static long PerCall(Action operation, int count)
    {
        for (var i = 0; i < Warmup; i++)
        {
            operation();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            operation();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / count;
    }
}
