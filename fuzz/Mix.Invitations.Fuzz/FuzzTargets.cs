using System.Buffers.Text;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Fuzz;

/// <summary>A fuzz target: takes any bytes, returns a short signature of the path the input took.</summary>
/// <param name="data">The input.</param>
/// <returns>The outcome signature (digits folded), which the coverage-less driver uses as its notion of "new".</returns>
internal delegate string FuzzTarget(ReadOnlySpan<byte> data);

/// <summary>
/// The three fuzz targets: the token decoder, the invitation readers and the link parser. Each accepts any bytes and
/// returns normally for every input the library handles as documented (a refusal result, a <c>Try…</c> false).
/// </summary>
/// <remarks>
/// <para>
/// A target fails — throws — in two cases, both findings: the library let an exception escape where it promises a
/// result (<c>TryValidate…</c>, <c>TryRead…</c>, <c>TryParse</c> never throw for a non-null input), or it broke a
/// property checked here (<see cref="FuzzOracleException"/>): a token the fuzzer made up was accepted, a refusal of a
/// made-up token named a reason that may only follow a verified tag, something read did not write back and read
/// back to the same value, or two entry points of one reader disagreed.
/// </para>
/// <para>This file is compiled into the harness and, linked, into the test project, whose corpus replay runs it.</para>
/// </remarks>
internal static class FuzzTargets
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Uri LandingPage = new("https://invite.example/join");
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly InvitationFailureReason[] PreTagReasons =
    [
        InvitationFailureReason.Malformed,
        InvitationFailureReason.UnsupportedVersion,
        InvitationFailureReason.UnknownKey,
        InvitationFailureReason.BadSignature,
    ];

    private static readonly XmlReaderSettings StreamSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = InvitationReaderSettings.DefaultMaxInputSize,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    /// <summary>Gets the channel, inviter and invitee the genuine tokens are bound to.</summary>
    public static Jid Channel { get; } = Jid.Parse("coven@mix.shakespeare.example");

    /// <summary>Gets the inviter of the genuine tokens.</summary>
    public static Jid Inviter { get; } = Jid.Parse("hag66@shakespeare.example");

    /// <summary>Gets the invitee of the genuine tokens.</summary>
    public static Jid Invitee { get; } = Jid.Parse("cat@shakespeare.example");

    /// <summary>Gets the service every target validates with: two keys, a fixed clock.</summary>
    public static InvitationService Service { get; } = CreateService();

    /// <summary>Gets genuine invitations of each built-in policy, with and without a use limit.</summary>
    public static IReadOnlyList<Invitation> Genuine { get; } =
    [
        Issued(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Invitee = Invitee, Policy = BindingPolicies.InviteeBoundName }).Invitation,
        Issued(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Invitee = Invitee, Policy = BindingPolicies.InviterBoundName }).Invitation,
        Issued(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Invitee = Invitee, Policy = BindingPolicies.UnboundName }).Invitation,
        Issued(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Invitee = Invitee, Policy = BindingPolicies.UnboundName, MaxUses = 1 }).Invitation,
        Issued(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Invitee = Invitee, Policy = BindingPolicies.InviteeBoundName, MaxUses = 65535 }).Invitation,
    ];

    /// <summary>Gets the targets by name: <c>token</c>, <c>invitation</c>, <c>uri</c>.</summary>
    public static IReadOnlyDictionary<string, FuzzTarget> All { get; } = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["token"] = Token,
        ["invitation"] = InvitationReader,
        ["uri"] = Uri,
    };

    /// <summary>
    /// The token decoder, through <see cref="InvitationService.TryValidate"/> of a bare token (<see cref="Invitation.FromToken"/>) and of an invitation.
    /// The first byte chooses how the rest becomes a token: as text (UTF-8), as bytes to base64url-encode (so the
    /// fuzzer reaches the header checks behind the encoding), or as an XOR mask over a genuine token's bytes.
    /// </summary>
    /// <param name="data">The input.</param>
    /// <returns>The outcome signature.</returns>
    public static string Token(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return "empty:" + CheckMadeUp(string.Empty);
        }

        var rest = data[1..];
        switch (data[0] % 3)
        {
            case 0:
                return "text:" + CheckMadeUp(Encoding.UTF8.GetString(rest));
            case 1:
                return "bytes:" + CheckMadeUp(Base64Url.EncodeToString(rest));
            default:
                if (rest.IsEmpty)
                {
                    return "mask:none";
                }

                var genuine = Genuine[rest[0] % Genuine.Count];
                var mask = rest[1..];
                var bytes = Base64Url.DecodeFromChars(genuine.Token);
                var mutated = new byte[Math.Max(bytes.Length, mask.Length)];
                bytes.CopyTo(mutated, 0);
                for (var i = 0; i < mask.Length; i++)
                {
                    mutated[i] ^= mask[i];
                }

                var token = Base64Url.EncodeToString(mutated);
                if (string.Equals(token, genuine.Token, StringComparison.Ordinal))
                {
                    Oracle(Service.TryValidate(genuine, new InvitationContext { Channel = Channel, Joiner = Invitee }, out _), "a genuine invitation was refused");
                    return "mask:genuine";
                }

                return "mask:" + CheckMadeUp(token);
        }
    }

    /// <summary>
    /// The invitation readers: <see cref="InvitationXml.TryRead{T}(string, out T, out string)"/>
    /// of an <see cref="Invitation"/> and of a <see cref="MixJoin"/> on the input as text, the same through an <see cref="XmlReader"/> over the raw bytes
    /// (invalid UTF-8 included), and through an <see cref="XElement"/>. What is read must validate as a forgery, write
    /// back and read back to itself, and give a canonical form.
    /// </summary>
    /// <param name="data">The input.</param>
    /// <returns>The outcome signature.</returns>
    public static string InvitationReader(ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data);
        var read = InvitationXml.TryRead<Invitation>(text, out var invitation, out var error);
        Oracle(read || !string.IsNullOrEmpty(error), "TryRead<Invitation> failed without an error");
        var joined = InvitationXml.TryRead<MixJoin>(text, out var join, out var joinError);
        Oracle(joined || !string.IsNullOrEmpty(joinError), "TryRead<MixJoin> failed without an error");

        // The same bytes through a stream reader: it decodes (and refuses invalid) UTF-8 itself.
        var streamRead = false;
        Invitation? fromStream = null;
        if (TryCreateReader(data, out var reader))
        {
            using (reader)
            {
                streamRead = InvitationXml.TryRead<Invitation>(reader, out fromStream, out var streamError);
                Oracle(streamRead || !string.IsNullOrEmpty(streamError), "TryRead<Invitation>(XmlReader) failed without an error");
            }
        }

        if (IsPlainUtf8(data) && data.Length <= InvitationReaderSettings.DefaultMaxInputSize)
        {
            Oracle(streamRead == read, $"the string reader said {read} and the stream reader {streamRead}");
            Oracle(!read || invitation!.Equals(fromStream), "the string and stream readers read different invitations");
        }

        if (joined)
        {
            CheckRead(join!.Invitation);
            Oracle(InvitationXml.Read<MixJoin>(join.ToXml()).Equals(join), "a join did not read back the same after writing");
        }

        if (!read)
        {
            return "refused:" + Fold(error!) + (joined ? "+join" : string.Empty);
        }

        CheckRead(invitation!);
        var element = XElement.Parse(text, LoadOptions.PreserveWhitespace);
        Oracle(InvitationXml.TryRead<Invitation>(element, out var fromElement, out _) && invitation!.Equals(fromElement), "the XElement reader disagrees with the string reader");
        return "read:" + Shape(invitation!) + (joined ? "+join" : string.Empty);
    }

    /// <summary>
    /// The link parser, <see cref="InvitationUri.TryParse"/>. A parsed link must build back (as an <c>xmpp:</c> URI and as
    /// a landing link) to a link that parses to the same invitation, and must validate as a forgery.
    /// </summary>
    /// <param name="data">The input.</param>
    /// <returns>The outcome signature.</returns>
    public static string Uri(ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data);
        if (!InvitationUri.TryParse(text, out var invitation, out var error))
        {
            Oracle(!string.IsNullOrEmpty(error), "TryParse failed without an error");
            return "refused:" + Fold(error);
        }

        Oracle(InvitationUri.Parse(InvitationUri.ToXmppUri(invitation)).Equals(invitation), "an xmpp: URI did not parse back to the same invitation");
        Oracle(InvitationUri.Parse(InvitationUri.ToLandingLink(invitation, LandingPage)).Equals(invitation), "a landing link did not parse back to the same invitation");
        CheckValidation(invitation);
        return "parsed:" + Shape(invitation);
    }

    // XmlReader.Create decodes the first bytes at once, and throws on bad ones before the library sees the reader.
    private static bool TryCreateReader(ReadOnlySpan<byte> data, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out XmlReader? reader)
    {
        try
        {
            reader = XmlReader.Create(new MemoryStream(data.ToArray()), StreamSettings);
            return true;
        }
        catch (XmlException)
        {
            reader = null;
            return false;
        }
    }

    /// <summary>Issues with the harness's service, which has no issuance policy, so issuing completes at once.</summary>
    private static IssuedInvitation Issued(InvitationIssueRequest request)
    {
        var pending = Service.IssueAsync(request);
        return pending.IsCompleted ? pending.Result.Issued : throw new InvalidOperationException("The harness's service has no issuance policy.");
    }

    private static void CheckRead(Invitation invitation)
    {
        Oracle(InvitationXml.Read<Invitation>(invitation.ToXml()).Equals(invitation), "an invitation did not read back the same after writing");
        Oracle(InvitationXml.Read<Invitation>(invitation.ToXElement()).Equals(invitation), "an invitation did not read back the same from its XElement");
        var canonical = InvitationCanonicalForm.ToArray(invitation.Channel, invitation.Inviter, invitation.Invitee);
        Oracle(canonical.Length == InvitationCanonicalForm.GetByteCount(invitation.Channel, invitation.Inviter, invitation.Invitee), "the canonical form's length differs from its byte count");
        Oracle(InvitationUri.Parse(InvitationUri.ToXmppUri(invitation)).Equals(invitation), "an invitation read from XML did not round-trip through an xmpp: URI");
        CheckValidation(invitation);
    }

    private static void CheckValidation(Invitation invitation)
    {
        // A genuine token presented beside other JIDs may be valid or not, as its policy binds them (the property
        // tests cover that); a token the fuzzer made up must be refused before its tag verifies.
        var context = new InvitationContext { Channel = invitation.Channel, Joiner = invitation.Invitee ?? Invitee };
        Service.TryValidate(invitation, context, out var result);
        Service.TryValidate(Invitation.FromToken(context.Channel, invitation.Token), context, out var bare);
        if (!Genuine.Any(g => string.Equals(g.Token, invitation.Token, StringComparison.Ordinal)))
        {
            CheckRefusal(result, "an invitation made up by the fuzzer");
            CheckRefusal(bare, "a token made up by the fuzzer");
        }
    }

    private static string CheckMadeUp(string token)
    {
        var context = new InvitationContext { Channel = Channel, Joiner = Invitee };
        Service.TryValidate(Invitation.FromToken(Channel, token), context, out var asToken);
        Service.TryValidate(new Invitation(Channel, token, Inviter, Invitee), context, out var asInvitation);
        var genuine = Genuine.Any(g => string.Equals(g.Token, token, StringComparison.Ordinal));
        if (genuine)
        {
            return "genuine";
        }

        CheckRefusal(asToken, "a token made up by the fuzzer");
        CheckRefusal(asInvitation, "an invitation made up by the fuzzer");
        Oracle(asToken.Reason == asInvitation.Reason || asToken.Reason == InvitationFailureReason.BadSignature || asInvitation.Reason == InvitationFailureReason.BadSignature, "the bare and the invitation paths refused one token for different structural reasons");
        return asInvitation.Reason.ToString();
    }

    private static void CheckRefusal(InvitationValidationResult result, string what)
    {
        Oracle(!result.IsValid, what + " was accepted");
        Oracle(Array.IndexOf(PreTagReasons, result.Reason) >= 0, $"{what} was refused as {result.Reason}, a reason only a verified tag may give");
        Oracle(result.Claims.Policy is null, what + " was refused with claims, which only a verified tag may give");
        _ = InvitationStanzaError.For(result.Reason);
    }

    private static string Shape(Invitation invitation) =>
        (invitation.Inviter is null ? "-" : "r") + (invitation.Invitee is null ? "-" : "e") + ":" + Fold(invitation.Token.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static bool IsPlainUtf8(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("\uFEFF"u8) || data.IndexOf("<?xml"u8) >= 0)
        {
            // A byte-order mark or an XML declaration (which may name another encoding) is the stream reader's business only.
            return false;
        }

        try
        {
            _ = StrictUtf8.GetCharCount(data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>
    /// Folds a message to its kind: cut before the first quoted or described value ('…', "…", (…), U+…), digits
    /// folded, at most 64 characters — so that the offending character, line numbers and lengths do not make every
    /// input "new" to the coverage-less driver.
    /// </summary>
    private static string Fold(string text)
    {
        var end = text.AsSpan().IndexOfAny("'\"(");
        var described = text.IndexOf("U+", StringComparison.Ordinal);
        if (described >= 0 && (end < 0 || described < end))
        {
            end = described;
        }

        var kind = text.AsSpan(0, Math.Min(end < 0 ? text.Length : end, 64));
        var builder = new StringBuilder(kind.Length);
        foreach (var c in kind)
        {
            builder.Append(char.IsAsciiDigit(c) ? '#' : c);
        }

        return builder.ToString();
    }

    private static void Oracle(bool holds, string property)
    {
        if (!holds)
        {
            throw new FuzzOracleException(property);
        }
    }

    private static InvitationService CreateService()
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", SignUntil = Now.AddDays(-1) });
        options.Keys.Add(new InvitationKeyOptions { Id = 2, Secret = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=", ActiveFrom = Now.AddDays(-2) });
        var service = InvitationService.Create(options, new FixedClock(Now));

        // Deterministic nonces: the genuine use-limited tokens are then the same in every process, so an input found
        // in one run means the same thing when replayed in another.
        service.NonceSource = static span => span.Fill(0x5A);
        return service;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>A property the fuzz targets check was broken: a finding, never an expected outcome.</summary>
internal sealed class FuzzOracleException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public FuzzOracleException()
    {
    }

    /// <summary>Initializes a new instance naming the broken property.</summary>
    /// <param name="message">The property.</param>
    public FuzzOracleException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance naming the broken property and its cause.</summary>
    /// <param name="message">The property.</param>
    /// <param name="innerException">The cause.</param>
    public FuzzOracleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
