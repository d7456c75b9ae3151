namespace Mix.Invitations.Sample;

/// <summary>Builds the library's service from the sample's key, without dependency injection.</summary>
internal static class SampleServices
{
    public static InvitationService Create(SigningKey key, TimeProvider time)
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = SigningKey.KeyId, Secret = key.SecretBase64 });
        return InvitationService.Create(options, time);
    }
}
