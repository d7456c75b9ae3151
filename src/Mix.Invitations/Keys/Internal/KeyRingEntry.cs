namespace Mix.Invitations.Internal;

/// <summary>One decoded ring key. Holds the HKDF pseudo-random key, never the configured text.</summary>
internal sealed class KeyRingEntry
{
    internal KeyRingEntry(int id, byte[] prk, DateTimeOffset? activeFrom, DateTimeOffset? signUntil, DateTimeOffset? verifyUntil)
    {
        Id = id;
        Prk = prk;
        ActiveFrom = activeFrom;
        SignUntil = signUntil;
        VerifyUntil = verifyUntil;
    }

    internal int Id { get; }

    /// <summary>HKDF-Extract(salt = label, ikm = secret): the only form of the secret kept in memory.</summary>
    internal byte[] Prk { get; }

    internal DateTimeOffset? ActiveFrom { get; }

    internal DateTimeOffset? SignUntil { get; }

    internal DateTimeOffset? VerifyUntil { get; }

    internal bool CanSign(DateTimeOffset now) => (ActiveFrom is not { } from || from <= now) && (SignUntil is not { } until || now < until);

    internal bool CanVerify(DateTimeOffset now) => VerifyUntil is not { } until || now < until;
}
