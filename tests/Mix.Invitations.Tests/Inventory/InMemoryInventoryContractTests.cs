using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Inventory;

/// <summary>Runs the inventory contract over the in-memory ledger; its two "nodes" are one instance, as in one process.</summary>
public sealed class InMemoryInventoryContractTests : InventoryContract, IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryInvitationLedger _ledger;

    public InMemoryInventoryContractTests()
    {
        _ledger = new InMemoryInvitationLedger(_time);
    }

    protected override FakeTimeProvider Time => _time;

    protected override (IInvitationLedger First, IInvitationLedger Second) CreateNodes() => (_ledger, _ledger);

    public void Dispose() => _ledger.Dispose();
}
