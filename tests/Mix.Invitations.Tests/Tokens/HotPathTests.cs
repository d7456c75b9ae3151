namespace Mix.Invitations.Tests.Tokens;

public class HotPathTests
{
    [Fact]
    public void TryValidate_ChannelKeyCached_AllocatesNothingOver1000Validations()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound());
        var context = new InvitationContext(TestKeys.Invitee, TestKeys.Channel);
        var refused = new InvitationContext(TestKeys.Stranger, TestKeys.Channel);
        for (var i = 0; i < 10; i++)
        {
            service.TryValidate(invitation, context);
            service.TryValidate(invitation, refused);
        }

        // The runtime itself may allocate a few hundred bytes on this thread while it tiers methods up under load
        // (seen on a busy 2-core machine); an allocating hot path would allocate in every round, at least 2000 times.
        var rounds = new List<long>();
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var valid = 0;
            for (var i = 0; i < 1000; i++)
            {
                valid += service.TryValidate(invitation, context).IsValid ? 1 : 0;
                valid += service.TryValidate(invitation, refused).IsValid ? 1 : 0;
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            valid.Should().Be(1000);
        }

        rounds.Min().Should().Be(0, $"the allocations per round were {string.Join(", ", rounds)}");
    }

    [Fact]
    public async Task IssueAndValidate_ManyThreadsAtOnce_EveryResultCorrect()
    {
        var (service, _) = TestKeys.Service();
        var channels = Enumerable.Range(0, 8).Select(i => Jid.Parse($"room{i}@mix.example")).ToArray();
        using var start = new ManualResetEventSlim();

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            start.Wait();
            var failures = 0;
            for (var i = 0; i < 500; i++)
            {
                var channel = channels[(worker + i) % channels.Length];
                var invitee = Jid.Parse($"user{worker}-{i}@example.net");
                var invitation = service.Issue(new InvitationRequest { Channel = channel, Inviter = TestKeys.Inviter, Invitee = invitee, MaxUses = i % 3 == 0 ? 1 : null });
                failures += service.TryValidate(invitation, new InvitationContext(invitee, channel)).IsValid ? 0 : 1;
                failures += service.TryValidate(invitation, new InvitationContext(TestKeys.Stranger, channel)).Reason == InvitationFailureReason.InviteeMismatch ? 0 : 1;
                var tampered = System.Buffers.Text.Base64Url.DecodeFromChars(invitation.Token);
                tampered[^1] ^= 0x80;
                failures += service.TryValidate(invitation.WithToken(System.Buffers.Text.Base64Url.EncodeToString(tampered)), new InvitationContext(invitee, channel)).Reason == InvitationFailureReason.BadSignature ? 0 : 1;
            }

            return failures;
        })).ToArray();
        start.Set();

        (await Task.WhenAll(workers)).Sum().Should().Be(0);
    }
}
