using QRCoder;

namespace Mix.Invitations.Sample.Tests;

public sealed class TerminalQrCodeTests
{
    private const string Link = "https://invite.example/#coven@mix.shakespeare.example?join;preauth=AQEDAWsQegprEcuKuxaEqKwnlAIAAchl3S_R137ypIknZ6rK7Jg";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Render_ReadBackModuleByModule_IsTheQrCodeOfTheText(bool darkTerminal)
    {
        var drawing = TerminalQrCode.Render(Link, darkTerminal);

        Decode(drawing, darkTerminal).Should().BeEquivalentTo(Modules(Link), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Render_DarkTerminal_DrawsTheLightQuietZoneAsBlocks()
    {
        // A scanner needs dark modules on a light field: on a light-on-dark terminal the glyphs are the light ones.
        var firstLine = TerminalQrCode.Render(Link, forDarkBackground: true).Split('\n')[0];

        firstLine.Should().MatchRegex("^█+$");
    }

    [Fact]
    public void Render_LightTerminal_LeavesTheQuietZoneBlank()
    {
        var firstLine = TerminalQrCode.Render(Link, forDarkBackground: false).Split('\n')[0];

        firstLine.Should().MatchRegex("^ +$");
    }

    [Fact]
    public void Render_Link_FitsAnEightyColumnTerminal()
    {
        var lines = TerminalQrCode.Render(Link).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Max(l => l.Length).Should().BeLessThanOrEqualTo(80);
    }

    /// <summary>The modules (true = dark) QRCoder computes for the text, quiet zone included.</summary>
    internal static bool[][] Modules(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return data.ModuleMatrix.Select(row => Enumerable.Range(0, row.Length).Select(i => row[i]).ToArray()).ToArray();
    }

    /// <summary>Reads a half-block drawing back into modules (true = dark): each character is two modules, one above the other.</summary>
    internal static bool[][] Decode(string drawing, bool darkTerminal)
    {
        var lines = drawing.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n');
        var rows = new List<bool[]>();
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            var top = new bool[line.Length];
            var bottom = new bool[line.Length];
            for (var i = 0; i < line.Length; i++)
            {
                var (upper, lower) = line[i] switch
                {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    ' ' => (false, false),
                    var other => throw new FormatException($"Unexpected character U+{(int)other:X4} in the drawing."),
                };

                // A glyph is a light module on a dark terminal and a dark one on a light terminal.
                top[i] = upper != darkTerminal;
                bottom[i] = lower != darkTerminal;
            }

            rows.Add(top);
            rows.Add(bottom);
        }

        var size = rows[0].Length;
        // An odd module count leaves a half line at the bottom that holds nothing.
        return rows.Take(size).ToArray();
    }
}
