using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Mix.Invitations.Internal;

/// <summary>What the built-in issuance rules share: which role a request has, whether it is exempt, and the rate partitions.</summary>
internal static class IssuanceRoles
{
    private static readonly string[] DefaultExempt = [InvitationRoles.Owner, InvitationRoles.Administrator];

    /// <summary>The rules of a role that has no entry and no <c>other</c> entry either: may not invite (fail closed).</summary>
    private static readonly InvitationRoleOptions Forbidden = new() { MayInvite = false };

    /// <summary>Whether the request's role is exempt from every rule (<see cref="InvitationIssuanceOptions.ExemptRoles"/>, owners and administrators when unset).</summary>
    public static bool IsExempt(InvitationIssuanceOptions options, in InvitationIssuanceContext context)
    {
        var role = context.InviterRole;
        var exempt = options.ExemptRoles ?? (IList<string>)DefaultExempt;
        for (var i = 0; i < exempt.Count; i++)
        {
            if (string.Equals(exempt[i], role, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The rules of the request's role: its entry, else <c>other</c>'s, else "may not invite".</summary>
    public static InvitationRoleOptions RulesOf(InvitationIssuanceOptions options, in InvitationIssuanceContext context) =>
        options.Roles.TryGetValue(context.InviterRole, out var rules) && rules is not null ? rules
        : options.Roles.TryGetValue(InvitationRoles.Other, out var other) && other is not null ? other
        : Forbidden;

    /// <summary>
    /// Whether the invitation is a bearer one: its policy does not bind the invitee, so whoever holds the token may
    /// redeem it (<c>unbound</c>, and <c>inviter-bound</c>, whose binding is to the inviter's standing, not to who joins).
    /// </summary>
    public static bool IsBearer(IInvitationBindingPolicy policy) => (policy.Binds & InvitationBinding.Invitee) == 0;

    /// <summary>The partition of an inviter's rate in a channel: no JID in clear.</summary>
    public static string InviterPartition(Jid channel, Jid inviter) =>
        Hash("inviter:", "inviter\0" + channel.Bare.ToString() + "\0" + inviter.Bare.ToString());

    /// <summary>The partition of a channel's rate: no JID in clear.</summary>
    public static string ChannelPartition(Jid channel) => Hash("channel:", "channel\0" + channel.Bare.ToString());

    /// <summary>The prefix and the first 16 bytes of the SHA-256 of the domain-separated text, base64url.</summary>
    private static string Hash(string prefix, string text)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            ThreadSha256.HashData(buffer[..written], digest);
            return string.Concat(prefix, Base64Url.EncodeToString(digest[..16]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
