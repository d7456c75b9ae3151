namespace Mix.Invitations.Jids.Precis;

/// <summary>The PRECIS profiles RFC 7622 uses for JIDs.</summary>
internal static class PrecisProfiles
{
    /// <summary>Gets the UsernameCaseMapped profile (RFC 8265 §3.3), used for localparts (RFC 7622 §3.3).</summary>
    internal static PrecisProfile UsernameCaseMapped { get; } = new UsernameCaseMappedProfile();

    /// <summary>Gets the OpaqueString profile (RFC 8265 §4.2), used for resourceparts (RFC 7622 §3.4).</summary>
    internal static PrecisProfile OpaqueString { get; } = new OpaqueStringProfile();
}
