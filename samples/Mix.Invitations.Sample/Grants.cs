using System.Globalization;
using System.Text;

namespace Mix.Invitations.Sample;

/// <summary>
/// The grant options of <c>issue</c> (<c>--grant-role</c>, <c>--grant-nodes</c>, <c>--grant-nick</c>,
/// <c>--grant-label</c>) read into <see cref="InvitationGrants"/>, checked before the key is touched, and grants written
/// back in one line for <c>issue</c> and <c>verify</c>.
/// </summary>
internal static class Grants
{
    /// <summary>The short node names the options take and the sample prints, in the bit order of <see cref="MixNodes"/>.</summary>
    private static readonly (string Name, MixNodes Node)[] Nodes =
    [
        ("messages", MixNodes.Messages),
        ("presence", MixNodes.Presence),
        ("participants", MixNodes.Participants),
        ("info", MixNodes.Info),
        ("allowed", MixNodes.Allowed),
        ("banned", MixNodes.Banned),
        ("jidmap", MixNodes.JidMap),
        ("config", MixNodes.Config),
        ("avatar-data", MixNodes.AvatarData),
        ("avatar-metadata", MixNodes.AvatarMetadata),
    ];

    /// <summary>The short names, for help texts.</summary>
    public static string NodeNames => string.Join(", ", Nodes.Select(n => n.Name));

    /// <summary>Reads the grant options; <see langword="null"/> when none is given.</summary>
    /// <exception cref="UsageException">Thrown when an option does not hold a grant the token format can carry.</exception>
    public static InvitationGrants? Read(string? role, string? nodes, string? nick, string? label)
    {
        if (role is null && nodes is null && nick is null && label is null)
        {
            return null;
        }

        return new InvitationGrants
        {
            Role = Role(role),
            Nodes = ReadNodes(nodes),
            Nick = Text(nick, "--grant-nick", InvitationGrants.MaxNickBytes),
            Label = Text(label, "--grant-label", InvitationGrants.MaxLabelBytes),
        };
    }

    /// <summary>Writes grants in one line: <c>role 2, nodes messages+presence, nick "x", label "y"</c>.</summary>
    public static string Describe(InvitationGrants grants)
    {
        var parts = new List<string>(5);
        if (grants.Role is { } role)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"role {role}"));
        }

        if (grants.Nodes != MixNodes.None)
        {
            parts.Add($"nodes {DescribeNodes(grants.Nodes)}");
        }

        if (grants.Nick is { } nick)
        {
            parts.Add($"nick \"{nick}\"");
        }

        if (grants.Label is { } label)
        {
            parts.Add($"label \"{label}\"");
        }

        if (grants.HasUnknownGrants)
        {
            parts.Add("and kinds this edition does not know");
        }

        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>Writes nodes by their short names, joined by '+': <c>messages+presence</c>.</summary>
    public static string DescribeNodes(MixNodes nodes) =>
        string.Join("+", Nodes.Where(n => (nodes & n.Node) != 0).Select(n => n.Name));

    private static int? Role(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var role) || role is < 1 or > byte.MaxValue)
        {
            throw new UsageException($"--grant-role: '{text}' is not a role id; write a whole number from 1 to 255 (what each means is the server's to define)");
        }

        return role;
    }

    private static MixNodes ReadNodes(string? text)
    {
        if (text is null)
        {
            return MixNodes.None;
        }

        var nodes = MixNodes.None;
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var found = Nodes.FirstOrDefault(n => string.Equals(n.Name, item, StringComparison.OrdinalIgnoreCase)).Node;
            if (found == MixNodes.None && !InvitationGrants.TryParseNodeName(item, out found))
            {
                throw new UsageException($"--grant-nodes: '{item}' is not a node; use {NodeNames}, or their urn:xmpp:mix:nodes: names, separated by commas");
            }

            nodes |= found;
        }

        return nodes;
    }

    private static string? Text(string? text, string option, int maxBytes)
    {
        if (text is null)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes is 0 || bytes > maxBytes)
        {
            throw new UsageException($"{option}: {bytes} bytes of UTF-8; a token carries 1 to {maxBytes}");
        }

        if (text.Any(char.IsControl))
        {
            throw new UsageException($"{option}: control characters (tabs, line breaks) are not allowed");
        }

        return text;
    }
}
