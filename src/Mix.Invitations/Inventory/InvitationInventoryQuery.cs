using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>What <see cref="IInvitationInventory.ListAsync"/> lists: one channel's invitations, optionally one inviter's and in one state, a page at a time.</summary>
/// <example>
/// <code>
/// var query = new InvitationInventoryQuery { Channel = channel, State = InvitationState.Active };
/// do
/// {
///     var page = await inventory.ListAsync(query);
///     foreach (var record in page.Records) Console.WriteLine($"{record.TokenId} {record.Label} {record.Uses}/{record.MaxUses}");
///     query = query with { After = page.Next };
/// }
/// while (query.After is not null);
/// </code>
/// </example>
public sealed record InvitationInventoryQuery
{
    /// <summary>The largest <see cref="PageSize"/>.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Gets the bare channel whose invitations are listed.</summary>
    /// <exception cref="ArgumentException">Thrown by the setter when the value is <c>default(Jid)</c>.</exception>
    public required Jid Channel
    {
        get;
        init
        {
            JidArgument.ThrowIfEmpty(value, nameof(Channel));
            field = value.Bare;
        }
    }

    /// <summary>Gets the inviter whose invitations are listed, or <see langword="null"/> for every invitation of the channel.</summary>
    /// <remarks>Only invitations whose tag covers the inviter (<see cref="InvitationRecord.Inviter"/>) are found by it.</remarks>
    /// <exception cref="ArgumentException">Thrown by the setter when the value is <c>default(Jid)</c>.</exception>
    public Jid? Inviter
    {
        get;
        init
        {
            JidArgument.ThrowIfEmpty(value, nameof(Inviter));
            field = value.HasValue ? value.GetValueOrDefault().Bare : null;
        }
    }

    /// <summary>Gets the state listed, or <see langword="null"/> for every state.</summary>
    /// <remarks>
    /// The state is derived when read, so it is a filter over the channel's (or inviter's) list: each page looks at no
    /// more than <see cref="ScanLimit"/> (<see cref="ScanFactor"/> × <see cref="PageSize"/>) invitations, and may hold
    /// fewer records than the page size — even none — while <see cref="InvitationInventoryPage.Next"/> is set. (So may a
    /// page that passed records whose retention ended but which the store has not removed yet.) Keep listing until
    /// <see cref="InvitationInventoryPage.Next"/> is <see langword="null"/>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Thrown by the setter when the value is not a defined state.</exception>
    public InvitationState? State
    {
        get;
        init
        {
            if (value is { } state && !Enum.IsDefined(state))
            {
                throw new ArgumentOutOfRangeException(nameof(State), state, "Not a defined invitation state.");
            }

            field = value;
        }
    }

    /// <summary>Gets the most records a page holds.</summary>
    /// <value>1 to <see cref="MaxPageSize"/>; default 20.</value>
    /// <exception cref="ArgumentOutOfRangeException">Thrown by the setter when the value is out of range.</exception>
    public int PageSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(PageSize));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxPageSize, nameof(PageSize));
            field = value;
        }
    } = 20;

    /// <summary>Gets where to continue: the previous page's <see cref="InvitationInventoryPage.Next"/>, or <see langword="null"/> to start with the newest.</summary>
    public InvitationInventoryCursor? After { get; init; }

    /// <summary>How many invitations a filtered page looks at, per record it may hold: the bound on a page's cost.</summary>
    public const int ScanFactor = 4;

    /// <summary>Gets how many invitations one page may look at: the page size, or with a state filter <see cref="ScanFactor"/> times it.</summary>
    public int ScanLimit => State is null ? PageSize : PageSize * ScanFactor;
}
