using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// The floors and the general-purpose alternatives, each set up as a careful user would: every reusable object
/// (keyed HMAC state, JWT handler, key, validation parameters, protector) is built once and reused.
/// </summary>
internal sealed class Baselines : IDisposable
{
    private readonly IncrementalHash _hmac;
    private readonly byte[] _canonical;
    private readonly byte[] _header;
    private readonly byte[] _macInput;
    private readonly byte[] _prk;
    private readonly byte[] _channelInfo;
    private readonly JsonWebTokenHandler _jwtHandler;
    private readonly SecurityTokenDescriptor _jwtDescriptor;
    private readonly TokenValidationParameters _jwtParameters;
    private readonly ITimeLimitedDataProtector _protector;
    private readonly string _payload;

    public Baselines(string token)
    {
        _prk = Fixture.Prk();
        _channelInfo = Fixture.ChannelKeyInfo(Fixture.Channel);
        var channelKey = Fixture.ChannelKey(_prk, Fixture.Channel);
        _canonical = Fixture.Canonical();
        Fixture.CheckMirror(token, channelKey, _canonical);
        _header = Base64Url.DecodeFromChars(token)[..Fixture.HeaderSize];

        // label || header || canonical in one buffer, hashed with one AppendData as the library does (each call into
        // OpenSSL's keyed state costs more than a block of SHA-256, so the floor must not pay for three).
        _macInput = new byte[Fixture.MacLabel.Length + Fixture.HeaderSize + _canonical.Length];
        Fixture.MacLabel.CopyTo(_macInput);
        _canonical.CopyTo(_macInput, Fixture.MacLabel.Length + Fixture.HeaderSize);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, channelKey);

        // JWT HS256 with the same claims, keyed with the same channel key. The handler, its signing key (and so its
        // cached signature provider) and the validation parameters are reused, as a service would hold them.
        var key = new SymmetricSecurityKey(channelKey);
        _jwtHandler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        _jwtDescriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["inviter"] = Fixture.Inviter.ToString(),
                ["invitee"] = Fixture.Invitee.ToString(),
                ["channel"] = Fixture.Channel.ToString(),
            },
            Expires = DateTime.UtcNow + Fixture.Lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        _jwtParameters = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
        };
        JwtToken = _jwtHandler.CreateToken(_jwtDescriptor);

        // Data Protection: the ephemeral provider (keys in memory, default AES-256-CBC + HMACSHA256), time-limited
        // protector, the invitation XML as the payload.
        _protector = new EphemeralDataProtectionProvider().CreateProtector("Mix.Invitations.Benchmarks").ToTimeLimitedDataProtector();
        _payload = Encoding.UTF8.GetString(_canonical);
        ProtectedToken = _protector.Protect(_payload, DateTimeOffset.UtcNow + Fixture.Lifetime);

        if (!F1Validate(token) || !JwtValidate() || !DataProtectionUnprotect())
        {
            throw new InvalidOperationException("A baseline refused its own token.");
        }
    }

    public string JwtToken { get; }

    public string ProtectedToken { get; }

    /// <summary>
    /// F1: base64url decode, the decoded header placed between the label and the canonical bytes, one reused keyed HMAC
    /// over label || header || canonical, fixed-time compare of the truncated tag. Not thread-safe (one buffer).
    /// </summary>
    public bool F1Validate(string token)
    {
        Span<byte> bytes = stackalloc byte[48];
        if (Base64Url.DecodeFromChars(token, bytes, out _, out var written) != OperationStatus.Done || written != Fixture.HeaderSize + Fixture.TagSize)
        {
            return false;
        }

        Span<byte> tag = stackalloc byte[32];
        bytes[..Fixture.HeaderSize].CopyTo(_macInput.AsSpan(Fixture.MacLabel.Length));
        _hmac.AppendData(_macInput);
        _hmac.GetHashAndReset(tag);
        return CryptographicOperations.FixedTimeEquals(tag[..Fixture.TagSize], bytes.Slice(Fixture.HeaderSize, Fixture.TagSize));
    }

    /// <summary>F1-issue: reused keyed HMAC over label || header || canonical, base64url of header || truncated tag.</summary>
    public string F1Issue()
    {
        Span<byte> bytes = stackalloc byte[Fixture.HeaderSize + 32];
        _header.CopyTo(bytes);
        _header.CopyTo(_macInput, Fixture.MacLabel.Length);
        _hmac.AppendData(_macInput);
        _hmac.GetHashAndReset(bytes[Fixture.HeaderSize..]);
        return Base64Url.EncodeToString(bytes[..(Fixture.HeaderSize + Fixture.TagSize)]);
    }

    /// <summary>
    /// F2: F1 for a channel whose key is not cached: HKDF-Expand of the channel key from the ring key, then a one-shot
    /// HMAC (no keyed state kept). <paramref name="channelInfo"/> and <paramref name="canonical"/> are the channel's.
    /// </summary>
    public bool F2Validate(string token, byte[] channelInfo, byte[] canonical)
    {
        Span<byte> bytes = stackalloc byte[48];
        if (Base64Url.DecodeFromChars(token, bytes, out _, out var written) != OperationStatus.Done || written != Fixture.HeaderSize + Fixture.TagSize)
        {
            return false;
        }

        Span<byte> key = stackalloc byte[32];
        Span<byte> input = stackalloc byte[512];
        Span<byte> tag = stackalloc byte[32];
        try
        {
            HKDF.Expand(HashAlgorithmName.SHA256, _prk, key, channelInfo);
            var length = Fixture.MacLabel.Length + Fixture.HeaderSize + canonical.Length;
            Fixture.MacLabel.CopyTo(input);
            bytes[..Fixture.HeaderSize].CopyTo(input[Fixture.MacLabel.Length..]);
            canonical.CopyTo(input[(Fixture.MacLabel.Length + Fixture.HeaderSize)..]);
            HMACSHA256.HashData(key, input[..length], tag);
            return CryptographicOperations.FixedTimeEquals(tag[..Fixture.TagSize], bytes.Slice(Fixture.HeaderSize, Fixture.TagSize));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public byte[] ChannelInfo => _channelInfo;

    public string JwtCreate() => _jwtHandler.CreateToken(_jwtDescriptor);

    /// <summary>Signature, algorithm and lifetime checks, then the same binding checks our validation makes (channel addressed, invitee is the joiner).</summary>
    public bool JwtValidate()
    {
        // ValidateToken(string, …) is obsolete in 8.x; ValidateTokenAsync completes synchronously for a symmetric key.
        var result = _jwtHandler.ValidateTokenAsync(JwtToken, _jwtParameters).GetAwaiter().GetResult();
        return result.IsValid
            && result.SecurityToken is JsonWebToken jwt
            && jwt.TryGetPayloadValue<string>("channel", out var channel) && channel == Fixture.Channel.ToString()
            && jwt.TryGetPayloadValue<string>("invitee", out var invitee) && invitee == Fixture.Invitee.ToString();
    }

    public string DataProtectionProtect() => _protector.Protect(_payload, DateTimeOffset.UtcNow + Fixture.Lifetime);

    /// <summary>Unprotect (decrypt, MAC check, expiry) and compare the payload with the presented invitation's XML.</summary>
    public bool DataProtectionUnprotect()
    {
        var payload = _protector.Unprotect(ProtectedToken, out _);
        return string.Equals(payload, _payload, StringComparison.Ordinal);
    }

    public void Dispose() => _hmac.Dispose();
}
