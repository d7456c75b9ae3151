#if MIX_INVITATIONS_XML
using System.Xml;
using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Diagnostic rows for issue 20: where a join's read goes, piece by piece, against one validation in the same run. Each
/// row walks every node of <see cref="XmlBenchmarks"/>' join IQ and builds nothing, so it is the floor of a reader on
/// that input; the JID row is what making the three addresses costs whatever reads them.
/// </summary>
[MemoryDiagnoser]
public class JoinReadBreakdown
{
    private readonly XmlReaderSettings _settings = InvitationReaderSettings.Default.XmlSettings;
    private XmlBenchmarks _xml = null!;
    private string _iq = null!;
    private XElement _element = null!;

    [GlobalSetup]
    public void Setup()
    {
        _xml = new XmlBenchmarks();
        _xml.Setup();
        _iq = _xml.Iq;
        _element = XElement.Parse(_iq);
    }

    [Benchmark(Baseline = true, Description = "Validate (invitation already read)")]
    public bool Validate() => _xml.Validate();

    [Benchmark(Description = "XmlReader over a StringReader, new name table (before): every node")]
    public int TextReaderEveryNode()
    {
        using var reader = XmlReader.Create(new StringReader(_iq), _settings);
        return Walk(reader, 0);
    }

    [Benchmark(Description = "XmlReader over UTF-8 bytes, thread's name table (now): every node")]
    public int Utf8EveryNode() => XmlTextInput.Read(_iq, _settings, 0, Walk);

    [Benchmark(Description = "XNode.CreateReader() (before): every node")]
    public int XNodeReaderEveryNode()
    {
        using var reader = _element.CreateReader();
        return Walk(reader, 0);
    }

    [Benchmark(Description = "XElement walked in place (now): every node")]
    public int TreeEveryNode()
    {
        using var reader = new XElementTreeReader(_element);
        return Walk(reader, 0);
    }

    [Benchmark(Description = "Jid.Parse of the channel, inviter and invitee")]
    public int ParseThreeJids() =>
        Jid.Parse("coven@mix.shakespeare.example").GetHashCode()
        ^ Jid.Parse("hag66@shakespeare.example").GetHashCode()
        ^ Jid.Parse("cat@shakespeare.example").GetHashCode();

    private static int Walk(XmlReader reader, int state)
    {
        var nodes = state;
        while (reader.Read())
        {
            nodes += reader.Depth;
            _ = reader.LocalName;
            _ = reader.NamespaceURI;
        }

        return nodes;
    }
}
#endif
