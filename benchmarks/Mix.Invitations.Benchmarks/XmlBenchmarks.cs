#if MIX_INVITATIONS_XML
using System.Xml.Linq;
using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// What a MIX service does with a join that carries an invitation: read the <c>&lt;join/&gt;</c> IQ (from its text, or from
/// an <see cref="XElement"/> the server's XMPP stack already parsed) and validate the invitation in it.
/// </summary>
/// <remarks>Compiled when the XML readers (<c>InvitationXml</c>) are in src; see the project file.</remarks>
[MemoryDiagnoser]
public class XmlBenchmarks
{
    private InvitationService _service = null!;
    private Invitation _invitation = null!;
    private InvitationContext _context;
    private string _iq = null!;
    private XElement _element = null!;

    /// <summary>Gets the join IQ the rows read (also read by <see cref="JoinReadBreakdown"/>).</summary>
    public string Iq => _iq;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _invitation = _service.IssueNow(Fixture.Request()).Issued.Invitation;
        _context = Fixture.Context();

        // XEP-0369 §7.1.2's join, with the XEP-0407 §6 invitation in it.
        _iq = $"""
            <iq type='set' from='{Fixture.Invitee}/UUID-a1j/7533' to='{Fixture.Channel}' id='E6E10350-76CF-40C6-B91B-1EA08C332FC7'>
              <join xmlns='urn:xmpp:mix:core:1'>
                <subscribe node='urn:xmpp:mix:nodes:messages'/>
                <subscribe node='urn:xmpp:mix:nodes:presence'/>
                <nick>thirdwitch</nick>
                <invitation xmlns='urn:xmpp:mix:misc:0'>
                  <inviter>{Fixture.Inviter}</inviter>
                  <invitee>{Fixture.Invitee}</invitee>
                  <channel>{Fixture.Channel}</channel>
                  <token>{_invitation.Token}</token>
                </invitation>
              </join>
            </iq>
            """;
        _element = XElement.Parse(_iq);
        if (!Validate() || !ReadStringAndValidate() || !ReadXElementAndValidate())
        {
            throw new InvalidOperationException("The join's invitation was refused.");
        }
    }


    [Benchmark(Baseline = true, Description = "Validate (invitation already read)")]
    public bool Validate() => _service.TryValidate(_invitation, _context, out _);

    [Benchmark(Description = "Read <join> IQ from a string + validate")]
    public bool ReadStringAndValidate() => _service.TryValidate(InvitationXml.Read<MixJoin>(_iq).Invitation, _context, out _);

    [Benchmark(Description = "Read <join> IQ from an XElement + validate")]
    public bool ReadXElementAndValidate() => _service.TryValidate(InvitationXml.Read<MixJoin>(_element).Invitation, _context, out _);
}
#endif
