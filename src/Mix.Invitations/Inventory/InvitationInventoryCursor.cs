using System.Globalization;

namespace Mix.Invitations;

/// <summary>
/// A position in a channel's list of invitations — newest first, by issued-at and then token id, both descending —
/// after which <see cref="IInvitationInventory.ListAsync"/> continues.
/// </summary>
/// <remarks>
/// A position, not a snapshot: invitations issued after the listing began (newer than the first page) are not shown by
/// later pages, and one that expired meanwhile is skipped. Its text form (<see cref="ToString"/>: the Unix seconds of
/// the issued-at, <c>.</c>, and the token id) round-trips through <see cref="TryParse"/>, for callers that hand cursors
/// to a client (an ad-hoc command, a web page). It names no JID and no token.
/// </remarks>
public readonly record struct InvitationInventoryCursor
{
    /// <summary>Initializes a position.</summary>
    /// <param name="issuedAt">The issued-at of the last invitation seen; only whole seconds count.</param>
    /// <param name="tokenId">The token id of the last invitation seen.</param>
    public InvitationInventoryCursor(DateTimeOffset issuedAt, InvitationTokenId tokenId)
    {
        IssuedAtSeconds = issuedAt.ToUnixTimeSeconds();
        TokenId = tokenId;
    }

    /// <summary>Gets the issued-at of the last invitation seen, in Unix seconds.</summary>
    public long IssuedAtSeconds { get; }

    /// <summary>Gets the token id of the last invitation seen.</summary>
    public InvitationTokenId TokenId { get; }

    /// <summary>Parses the form <see cref="ToString"/> writes.</summary>
    /// <param name="text">The text, for example <c>1798761600.3f2a…</c> (32 hexadecimal digits after the dot).</param>
    /// <param name="cursor">The cursor, when parsed.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a cursor's text form.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out InvitationInventoryCursor cursor)
    {
        var dot = text.IndexOf('.');
        if (dot > 0
            && long.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            && InvitationTokenId.TryParse(text[(dot + 1)..], out var id))
        {
            cursor = new InvitationInventoryCursor(DateTimeOffset.FromUnixTimeSeconds(seconds), id);
            return true;
        }

        cursor = default;
        return false;
    }

    /// <summary>Returns the text form: Unix seconds, <c>.</c>, the token id's 32 hexadecimal digits.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{IssuedAtSeconds}.{TokenId}");

    /// <summary>Whether a record at (<paramref name="issuedAtSeconds"/>, <paramref name="tokenId"/>) comes after this position in the newest-first order.</summary>
    internal bool Precedes(long issuedAtSeconds, InvitationTokenId tokenId) =>
        issuedAtSeconds < IssuedAtSeconds || (issuedAtSeconds == IssuedAtSeconds && tokenId.CompareTo(TokenId) < 0);
}
