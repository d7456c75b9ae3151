using QRCoder;

namespace Mix.Invitations.Sample;

/// <summary>Draws a QR code with half-block characters, two modules per character cell, so a phone can scan the terminal.</summary>
internal static class TerminalQrCode
{
    /// <summary>Renders <paramref name="text"/>.</summary>
    /// <param name="text">What the code holds (a link).</param>
    /// <param name="forDarkBackground">
    /// True to draw the light modules (the usual terminal: light text on a dark background), so the code shows dark on
    /// light as scanners expect; false for a light background.
    /// </param>
    public static string Render(string text, bool forDarkBackground = true)
    {
        using var generator = new QRCodeGenerator();
        // Level M: links are short, and M keeps the code small enough for an 80-column terminal.
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        using var code = new AsciiQRCode(data);
        // QRCoder draws light modules as glyphs by default (suits light-on-dark terminals); invert draws the dark ones.
        return code.GetGraphicSmall(drawQuietZones: true, invert: !forDarkBackground, endOfLine: "\n");
    }
}
