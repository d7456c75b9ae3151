using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// The inputs every benchmark shares: one key, one XEP-0407 invitation (invitee-bound, so the MAC covers channel,
/// inviter and invitee), and a re-implementation of the bytes the library MACs, so the baselines hash exactly the
/// same input as the library does.
/// </summary>
/// <remarks>
/// The mirror follows <c>src/Mix.Invitations/Tokens/Internal/TokenCodec.cs</c> and
/// <c>src/Mix.Invitations/Keys/Internal/ChannelKeyDerivation.cs</c> (both internal, so they are restated here rather than
/// exposed). <see cref="CheckMirror"/> proves at set-up that the mirrored key and MAC input reproduce the library's tag,
/// so a drift in the format fails the run instead of silently comparing against a different amount of work.
/// </remarks>
internal static class Fixture
{
    /// <summary>32 bytes 0x00..0x1f: the key of docs/token-format.md's vectors. Never use a fixed key outside a benchmark.</summary>
    public const string Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    public const int KeyId = 1;

    public static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");
    public static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");
    public static readonly Jid Invitee = Jid.Parse("cat@shakespeare.example");

    /// <summary>The MAC label of token format v1 (TokenCodec.MacLabel).</summary>
    public static ReadOnlySpan<byte> MacLabel => "Mix.Invitations invitation token v1\0"u8;

    public const int HeaderSize = 12;
    public const int TagSize = 16;

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static MixInvitationOptions Options(int? channelKeyCacheSize = null)
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = KeyId, Secret = Secret });
        if (channelKeyCacheSize is { } size)
        {
            options.ChannelKeyCacheSize = size;
        }

        return options;
    }

    public static InvitationService Service(int? channelKeyCacheSize = null) =>
        InvitationService.Create(Options(channelKeyCacheSize), TimeProvider.System);

    public static InvitationIssueRequest Request(Jid? channel = null) => new()
    {
        Channel = channel ?? Channel,
        Inviter = Inviter,
        Invitee = Invitee,
        Policy = BindingPolicies.InviteeBoundName,
        Lifetime = Lifetime,
    };

    /// <summary>The same invitation as <see cref="Request"/>, single-use: its token carries a nonce, so each issued is a token of its own.</summary>
    public static InvitationIssueRequest SingleUseRequest(Jid? channel = null) => new()
    {
        Channel = channel ?? Channel,
        Inviter = Inviter,
        Invitee = Invitee,
        Policy = BindingPolicies.InviteeBoundName,
        Lifetime = Lifetime,
        MaxUses = 1,
    };

    /// <summary>Issues with a service that has no issuance policy, so the result is complete when returned.</summary>
    public static InvitationIssueResult IssueNow(this InvitationService service, InvitationIssueRequest request)
    {
        var pending = service.IssueAsync(request);
        return pending.IsCompleted ? pending.Result : throw new InvalidOperationException("The benchmark service has no issuance policy, so issuing completes synchronously.");
    }

    /// <summary>The result of an operation that completes synchronously (the in-memory ledger's), without the task <see cref="ValueTask{T}.AsTask"/> would allocate.</summary>
    public static T Now<T>(this ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    public static InvitationContext Context(Jid? channel = null) => new InvitationContext { Channel = channel ?? Channel, Joiner = Invitee };

    /// <summary>The canonical &lt;invitation/&gt; bytes the library MACs for <see cref="Request"/>.</summary>
    public static byte[] Canonical(Jid? channel = null) => InvitationCanonicalForm.ToArray(channel ?? Channel, Inviter, Invitee);

    /// <summary>HKDF-Extract(salt = "Mix.Invitations key ring v1", ikm = secret), as KeyRing does.</summary>
    public static byte[] Prk()
    {
        var prk = new byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, Convert.FromBase64String(Secret), "Mix.Invitations key ring v1"u8, prk);
        return prk;
    }

    /// <summary>The HKDF info of a channel key: label || 0x00 || channel (UTF-8), as ChannelKeyDerivation builds it.</summary>
    public static byte[] ChannelKeyInfo(Jid channel)
    {
        var label = "Mix.Invitations channel key v1"u8;
        var text = channel.ToString();
        var info = new byte[label.Length + 1 + Encoding.UTF8.GetByteCount(text)];
        label.CopyTo(info);
        Encoding.UTF8.GetBytes(text, info.AsSpan(label.Length + 1));
        return info;
    }

    public static byte[] ChannelKey(byte[] prk, Jid channel)
    {
        var key = new byte[32];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, key, ChannelKeyInfo(channel));
        return key;
    }

    /// <summary>Checks that label || header || canonical under the mirrored channel key gives the token's tag.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the mirror no longer matches the library.</exception>
    public static void CheckMirror(string token, byte[] channelKey, byte[] canonical)
    {
        var bytes = Base64Url.DecodeFromChars(token);
        if (bytes.Length != HeaderSize + TagSize)
        {
            throw new InvalidOperationException($"The token holds {bytes.Length} bytes; the baselines assume a plain v1 token of {HeaderSize + TagSize}.");
        }

        var input = new byte[MacLabel.Length + HeaderSize + canonical.Length];
        MacLabel.CopyTo(input);
        bytes.AsSpan(0, HeaderSize).CopyTo(input.AsSpan(MacLabel.Length));
        canonical.CopyTo(input.AsSpan(MacLabel.Length + HeaderSize));
        var tag = HMACSHA256.HashData(channelKey, input);
        if (!tag.AsSpan(0, TagSize).SequenceEqual(bytes.AsSpan(HeaderSize)))
        {
            throw new InvalidOperationException("The baselines' mirror of the MAC input no longer reproduces the library's tag: update Fixture to match TokenCodec.");
        }
    }
}
