namespace Mix.Invitations;

/// <summary>A fixed-window rate: at most <see cref="PermitLimit"/> invitations per <see cref="Window"/>.</summary>
public sealed class InvitationRateLimitOptions
{
    /// <summary>Gets or sets how many invitations a window allows.</summary>
    /// <value>1 to 1,000,000.</value>
    public int PermitLimit { get; set; }

    /// <summary>Gets or sets how long a window lasts.</summary>
    /// <value>1 second to 7 days.</value>
    public TimeSpan Window { get; set; }
}
