using System.Globalization;
using System.Text;
using CsCheck;

namespace Mix.Invitations.Tests.Properties;

/// <summary>
/// Generators of valid JIDs from safe alphabets (ASCII and a few non-ASCII letters that PRECIS and IDNA keep), and of
/// other spellings of the same address: case changes, full JIDs with a resource.
/// </summary>
internal static class JidGen
{
    // Lower-case letters whose PRECIS UsernameCaseMapped form is themselves (NFC, already case-folded).
    private const string LocalAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789._-+éüøñçåæþðłœßяжωπ";
    private const string LabelAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string NonAsciiLabelAlphabet = "abcdefghijklmnopqrstuvwxyzéüöñç";
    private const string ResourceAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-@/é€";

    public static Gen<string> LocalPart { get; } = Gen.String[Gen.Char[LocalAlphabet], 1, 24];

    public static Gen<string> Label { get; } = Gen.Frequency(
        (8, Gen.String[Gen.Char[LabelAlphabet], 1, 12]),
        (1, Gen.String[Gen.Char[NonAsciiLabelAlphabet], 2, 10]));

    public static Gen<string> Domain { get; } = Label.Array[1, 3].Select(labels => string.Join('.', labels));

    public static Gen<string> Resource { get; } = Gen.String[Gen.Char[ResourceAlphabet], 1, 16]
        .Where(r => r.Trim().Length == r.Length);

    /// <summary>A bare JID with a localpart (users and channels have one).</summary>
    public static Gen<Jid> Bare { get; } = Gen.Select(LocalPart, Domain)
        .Select((local, domain) => Jid.TryParse($"{local}@{domain}", out var jid) ? jid : default)
        .Where(jid => !jid.IsEmpty);

    /// <summary>A bare JID with an optional user part or a bare domain.</summary>
    public static Gen<Jid> Any { get; } = Gen.Frequency((9, Bare), (1, Domain.Select(d => Jid.TryParse(d, out var jid) ? jid : default).Where(j => !j.IsEmpty)));

    /// <summary>A bare JID or, one time in four, none.</summary>
    public static Gen<Jid?> Optional { get; } = Gen.Frequency((1, Gen.Const((Jid?)null)), (3, Bare.Select(j => (Jid?)j)));

    /// <summary>Another spelling of <paramref name="jid"/> that RFC 7622 makes equal: random case, maybe a resource.</summary>
    /// <param name="jid">The bare JID.</param>
    /// <returns>A generator of JIDs equal (as bare JIDs) to <paramref name="jid"/>.</returns>
    public static Gen<Jid> Respelled(Jid jid) =>
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Bool, Resource).Select((seed, full, resource) =>
        {
            var random = new Random(seed);
            var text = new StringBuilder();
            foreach (var c in jid.ToString())
            {
                // Upper-casing ß would need "SS", which PRECIS does not fold back; leave it.
                text.Append(c != 'ß' && random.Next(2) == 0 ? char.ToUpperInvariant(c) : c);
            }

            if (full)
            {
                text.Append('/').Append(resource);
            }

            return Jid.Parse(text.ToString());
        });

    /// <summary>A different bare JID: a character changed, added or removed in one part.</summary>
    /// <param name="jid">The JID to differ from.</param>
    /// <returns>A generator of JIDs not equal to <paramref name="jid"/>.</returns>
    public static Gen<Jid> Other(Jid jid) =>
        Gen.Select(Gen.Int[0, 3], Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], Bare).Select((kind, c, random) =>
        {
            var local = jid.Local;
            var domain = jid.Domain;
            var text = kind switch
            {
                0 when local is not null => string.Create(CultureInfo.InvariantCulture, $"{local}{c}@{domain}"),
                1 => local is null ? $"{c}{domain}" : $"{local}@{c}{domain}",
                2 when local is { Length: > 1 } => $"{local[1..]}@{domain}",
                _ => random.ToString(),
            };
            return Jid.TryParse(text, out var other) ? other : random;
        }).Where(other => other != jid.Bare);
}
