using System.Buffers.Text;
using CsCheck;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Properties;

/// <summary>
/// Issue-then-validate round trips and single mutations over random JIDs, policies, lifetimes, use limits and times,
/// each property over <see cref="Cases"/> generated cases.
/// </summary>
[Collection(Mix.Invitations.Tests.Properties.HeavyTests.Name)]
public class TokenProperties
{
    /// <summary>How many cases each property runs (issue 9: at least 10 000).</summary>
    public const int Cases = 10_000;

    private static readonly string[] PolicyNames = [BindingPolicies.InviteeBoundName, BindingPolicies.InviterBoundName, BindingPolicies.UnboundName];

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One issued invitation and the inputs that made it.</summary>
    internal sealed record Issued(
        InvitationService Service,
        SettableClock Time,
        Invitation Invitation,
        string Policy,
        int? MaxUses,
        long IssuedAt,
        long ExpiresAt,
        TimeSpan ExpiryTolerance,
        TimeSpan IssuedAtTolerance);

    internal static Gen<Issued> IssuedGen { get; } =
        Gen.Select(JidGen.Bare, JidGen.Bare, JidGen.Bare, Gen.OneOfConst(PolicyNames), Gen.Int[1, 30 * 24 * 3600], Gen.Int[0, 65535], Gen.Long[0, 60L * 365 * 24 * 3600 * TimeSpan.TicksPerSecond], Gen.Int[0, 120])
        .Select((channel, inviter, invitee, policy, lifetimeSeconds, uses, issueTicks, toleranceSeconds) =>
        {
            var time = new SettableClock { Now = Earliest.AddTicks(issueTicks) };
            var tolerance = TimeSpan.FromSeconds(toleranceSeconds);
            var service = InvitationService.Create(
                TestKeys.Options(o =>
                {
                    o.ExpiryTolerance = tolerance;
                    o.IssuedAtTolerance = tolerance / 2;
                }),
                time);
            var maxUses = uses == 0 ? (int?)null : uses;

            // A lifetime of whole seconds plus a random fraction exercises the rounding up to whole seconds.
            var lifetime = TimeSpan.FromSeconds(lifetimeSeconds) - TimeSpan.FromTicks(issueTicks % TimeSpan.TicksPerSecond % 7);
            var invitation = service.Issue(new InvitationIssueRequest
            {
                Channel = channel,
                Inviter = inviter,
                Invitee = invitee,
                Policy = policy,
                Lifetime = lifetime,
                MaxUses = maxUses,
            }).Invitation;
            var issuedAt = time.GetUtcNow().ToUnixTimeSeconds();
            var expiresAt = issuedAt + (long)Math.Ceiling(lifetime.TotalSeconds);
            return new Issued(service, time, invitation, policy, maxUses, issuedAt, expiresAt, tolerance, tolerance / 2);
        });

    [Fact]
    public void IssueThenValidate_AnySpellingAnyTimeInsideTheWindow_IsValidWithTheIssuedClaims()
    {
        var cases = 0;
        var gen = IssuedGen.SelectMany(issued => Gen.Select(
            Gen.Const(issued),
            JidGen.Respelled(issued.Invitation.Channel),
            JidGen.Respelled(issued.Invitation.Inviter!.Value),
            JidGen.Respelled(issued.Invitation.Invitee!.Value),
            Gen.Double[0, 1]));

        gen.Sample(
            (issued, channel, inviter, invitee, at) =>
            {
                Interlocked.Increment(ref cases);
                var service = issued.Service;
                var first = TicksOf(issued.IssuedAt) - issued.IssuedAtTolerance.Ticks;
                var end = TicksOf(issued.ExpiresAt) + issued.ExpiryTolerance.Ticks;
                var presented = new Invitation(channel, issued.Invitation.Token, inviter, invitee);
                var context = new InvitationContext { Channel = channel, Joiner = invitee };

                issued.Time.Now = new DateTimeOffset(first + (long)((end - first - 1) * at), TimeSpan.Zero);
                var result = service.Check(presented, context);
                result.Reason.Should().Be(InvitationFailureReason.None);
                result.Claims.Policy.Should().Be(issued.Policy);
                result.Claims.Channel.Should().Be(issued.Invitation.Channel);
                result.Claims.IssuedAt.ToUnixTimeSeconds().Should().Be(issued.IssuedAt);
                result.Claims.ExpiresAt.ToUnixTimeSeconds().Should().Be(issued.ExpiresAt);
                result.Claims.MaxUses.Should().Be(issued.MaxUses ?? 0);

                issued.Time.Now = new DateTimeOffset(first - 1, TimeSpan.Zero);
                service.Check(presented, context).Reason.Should().Be(InvitationFailureReason.NotYetValid);
                issued.Time.Now = new DateTimeOffset(end, TimeSpan.Zero);
                service.Check(presented, context).Reason.Should().Be(InvitationFailureReason.Expired);
            },
            iter: Cases);

        cases.Should().BeGreaterThanOrEqualTo(Cases);
    }

    [Fact]
    public void AnySingleMutationOfTokenOrBoundField_IsRefused()
    {
        var cases = 0;
        var gen = IssuedGen.SelectMany(issued => Gen.Select(
            Gen.Const(issued),
            Gen.Int[0, 5],
            Gen.Int[0, int.MaxValue],
            JidGen.Other(issued.Invitation.Channel),
            JidGen.Other(issued.Invitation.Inviter!.Value),
            JidGen.Other(issued.Invitation.Invitee!.Value)));

        gen.Sample(
            (issued, kind, position, otherChannel, otherInviter, otherInvitee) =>
            {
                Interlocked.Increment(ref cases);
                var original = issued.Invitation;
                var token = original.Token;
                var binds = issued.Service.Policies.First(p => p.Name == issued.Policy).Binds;
                var (mutated, joiner, expected) = kind switch
                {
                    0 => (original.WithToken(FlipBit(token, position)), original.Invitee, (InvitationFailureReason?)null),
                    1 => (original.WithToken(ReplaceChar(token, position)), original.Invitee, null),
                    2 => (new Invitation(otherChannel, token, original.Inviter, original.Invitee), original.Invitee, InvitationFailureReason.BadSignature),
                    3 when (binds & InvitationBinding.Inviter) != 0 => (new Invitation(original.Channel, token, otherInviter, original.Invitee), original.Invitee, InvitationFailureReason.BadSignature),
                    4 when (binds & InvitationBinding.Invitee) != 0 => (new Invitation(original.Channel, token, original.Inviter, otherInvitee), original.Invitee, InvitationFailureReason.BadSignature),
                    5 when issued.Policy == BindingPolicies.InviteeBoundName => (original, otherInvitee, InvitationFailureReason.InviteeMismatch),
                    _ => (original.WithToken(Truncate(token, position)), original.Invitee, InvitationFailureReason.Malformed),
                };

                var result = issued.Service.Check(mutated, new InvitationContext { Channel = mutated.Channel, Joiner = joiner });

                result.IsValid.Should().BeFalse($"mutation {kind} of {original}");
                if (expected is { } reason)
                {
                    result.Reason.Should().Be(reason);
                }
                else
                {
                    result.Reason.Should().BeOneOf(InvitationFailureReason.Malformed, InvitationFailureReason.UnsupportedVersion, InvitationFailureReason.UnknownKey, InvitationFailureReason.BadSignature);
                }
            },
            iter: Cases);

        cases.Should().BeGreaterThanOrEqualTo(Cases);
    }

    /// <summary>A clock a case may set backwards as well as forwards (FakeTimeProvider only goes forwards).</summary>
    internal sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static long TicksOf(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcTicks;

    private static string FlipBit(string token, int position)
    {
        var bytes = Base64Url.DecodeFromChars(token);
        var bit = position % (bytes.Length * 8);
        bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        return Base64Url.EncodeToString(bytes);
    }

    private static string ReplaceChar(string token, int position)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var index = position % token.Length;
        var replacement = Alphabet[(Alphabet.IndexOf(token[index], StringComparison.Ordinal) + 1 + (position / token.Length % 63)) % 64];
        return string.Concat(token.AsSpan(0, index), replacement.ToString(), token.AsSpan(index + 1));
    }

    // Shorter (possibly empty) or one to three characters longer: never the same length, so never the same token.
    private static string Truncate(string token, int position) =>
        position % 2 == 0 ? token[..(position / 2 % token.Length)] : token + "AAA"[..(1 + (position / 2 % 3))];
}
