namespace Mix.Invitations.Sample;

/// <summary>Builds the library's service from the sample's key, without dependency injection.</summary>
internal static class SampleServices
{
    public static InvitationService Create(SigningKey key, TimeProvider time, Uri? landingLinkBase = null)
    {
        var options = new MixInvitationOptions { LandingLinkBase = landingLinkBase };
        options.Keys.Add(new InvitationKeyOptions { Id = SigningKey.KeyId, Secret = key.SecretBase64 });
        return InvitationService.Create(options, time);
    }
}
