namespace Mix.Invitations;

/// <summary>One page of <see cref="IInvitationInventory.ListAsync"/>: records newest first, and where to continue.</summary>
public sealed class InvitationInventoryPage
{
    /// <summary>Initializes a page.</summary>
    /// <param name="records">The records, newest first.</param>
    /// <param name="next">Where the next page starts, or <see langword="null"/> when this is the last.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="records"/> is <see langword="null"/>.</exception>
    public InvitationInventoryPage(IReadOnlyList<InvitationRecord> records, InvitationInventoryCursor? next)
    {
        ArgumentNullException.ThrowIfNull(records);
        Records = records;
        Next = next;
    }

    /// <summary>Gets the records, newest first.</summary>
    public IReadOnlyList<InvitationRecord> Records { get; }

    /// <summary>Gets where the next page starts (<see cref="InvitationInventoryQuery.After"/>), or <see langword="null"/> when the list is done.</summary>
    public InvitationInventoryCursor? Next { get; }
}
