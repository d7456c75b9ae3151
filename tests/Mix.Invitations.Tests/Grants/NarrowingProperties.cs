using System.Buffers.Text;
using CsCheck;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Properties;

namespace Mix.Invitations.Tests.Grants;

/// <summary>
/// Issue 19 requirement 5, each over <see cref="TokenProperties.Cases"/> random tokens narrowed by random sequences of
/// restrictions through the public API: no sequence of narrowings widens anything; every single-bit mutation of a
/// narrowed token is refused; a chain with any restriction removed is refused.
/// </summary>
[Collection(HeavyTests.Name)]
public class NarrowingProperties
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Jid[] People =
    [
        Jid.Parse("cat@shakespeare.example"),
        Jid.Parse("rat@shakespeare.example"),
        Jid.Parse("newcomer@shakespeare.example"),
        Jid.Parse("Straße@shakespeare.example"),
    ];

    private static readonly string[] Policies = [BindingPolicies.UnboundName, BindingPolicies.InviterBoundName, BindingPolicies.InviteeBoundName];

    private static readonly InvitationService Service = InvitationService.Create(TestKeys.Options(o => o.ExpiryTolerance = TimeSpan.Zero), new ThreadClock());

    /// <summary>A token as issued, a narrowed copy of it, and the restrictions that made the copy.</summary>
    internal sealed record Case(Invitation Original, Invitation Narrowed, IReadOnlyList<InvitationRestrictions> Applied, TimeSpan Lifetime);

    private static Gen<InvitationGrants?> GrantsGen { get; } = Gen.Select(Gen.Int[0, 255], Gen.UShort, Gen.Bool, Gen.Bool).Select((role, nodes, nick, label) =>
    {
        var grants = new InvitationGrants
        {
            Role = role == 0 ? null : role,
            Nodes = (MixNodes)(nodes & 0x3FF),
            Nick = nick ? "nick" : null,
            Label = label ? "cohort" : null,
        };
        return grants.Kinds == InvitationGrantKinds.None ? null : grants;
    });

    private static Gen<InvitationRestrictions> RestrictionGen(TimeSpan lifetime) => Gen.Int[0, 4].SelectMany(kind => kind switch
    {
        0 => Gen.Int[0, People.Length - 1].Select(i => new InvitationRestrictions { Invitee = People[i] }),
        1 => Gen.Long[-3600, (long)lifetime.TotalSeconds + 3600].Select(s => new InvitationRestrictions { ExpiresAt = IssuedAt.AddSeconds(s) }),
        2 => Gen.Int[1, 12].Select(u => new InvitationRestrictions { MaxUses = u }),
        3 => Gen.Byte.Select(k => new InvitationRestrictions { KeepGrants = (InvitationGrantKinds)(k & 0x0F) }),
        _ => Gen.UShort.Select(n => new InvitationRestrictions { KeepNodes = (MixNodes)(n & 0x3FF) }),
    });

    internal static Gen<Case> CaseGen { get; } =
        Gen.Select(Gen.OneOfConst(Policies), Gen.Int[0, 10], GrantsGen, Gen.Int[60, 7 * 24 * 3600], Gen.Int[0, People.Length - 1])
        .SelectMany((policy, uses, grants, lifetimeSeconds, invitee) =>
        {
            var lifetime = TimeSpan.FromSeconds(lifetimeSeconds);
            return RestrictionGen(lifetime).Array[1, 6].Select(restrictions =>
            {
                ThreadClock.Now = IssuedAt;
                var original = Service.Issue(new InvitationIssueRequest
                {
                    Channel = TestKeys.Channel,
                    Inviter = TestKeys.Inviter,
                    Invitee = policy == BindingPolicies.InviteeBoundName ? People[invitee] : null,
                    Policy = policy,
                    MaxUses = uses == 0 ? null : uses,
                    Lifetime = lifetime,
                    Grants = grants,
                }).Invitation;
                var applied = new List<InvitationRestrictions>();
                var narrowed = original;
                foreach (var restriction in restrictions)
                {
                    if (narrowed.Narrow(restriction) is { IsNarrowed: true } result)
                    {
                        narrowed = result.Invitation;
                        applied.Add(restriction);
                    }
                }

                if (applied.Count == 0)
                {
                    // Half the lifetime always narrows a token as issued.
                    var half = new InvitationRestrictions { ExpiresAt = IssuedAt + (lifetime / 2) };
                    narrowed = narrowed.Narrow(half).Invitation!;
                    applied.Add(half);
                }

                return new Case(original, narrowed, applied, lifetime);
            });
        });

    [Fact]
    public void NoSequenceOfNarrowings_WidensAnything()
    {
        var cases = 0;
        Gen.Select(CaseGen, Gen.Int[-1, People.Length - 1], Gen.Double[0, 1]).Sample(
            (c, joinerIndex, when) =>
            {
                Interlocked.Increment(ref cases);
                var joiner = joinerIndex < 0 ? (Jid?)null : People[joinerIndex];
                ThreadClock.Now = IssuedAt.AddSeconds(Math.Round(when * (c.Lifetime.TotalSeconds + 7200)) - 3600);
                var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = joiner };
                var copy = Service.Check(c.Narrowed, context);
                var original = Service.Check(c.Original, context);
                if (!copy.IsValid)
                {
                    return true;
                }

                // Admitted: then the original admits the same joiner at the same instant, and every restriction holds.
                original.IsValid.Should().BeTrue("a copy admits nobody its original refuses");
                var narrow = copy.Claims;
                narrow.TokenId.Should().Be(original.Claims.TokenId, "a copy is its original to the ledger");
                narrow.EffectiveExpiresAt.Should().BeOnOrBefore(original.Claims.ExpiresAt);
                narrow.RestrictionCount.Should().Be(c.Applied.Count);
                foreach (var restriction in c.Applied)
                {
                    if (restriction.Invitee is { } invitee)
                    {
                        joiner.Should().Be(invitee.Bare, "an invitee restriction admits that invitee only");
                    }

                    if (restriction.ExpiresAt is { } expiresAt)
                    {
                        ThreadClock.Now.Should().BeBefore(expiresAt, "an expiry restriction ends the copy");
                    }
                }

                IsWithin(narrow.Grants, original.Claims.Grants).Should().BeTrue($"a copy grants {narrow.Grants}, within {original.Claims.Grants}");
                foreach (var limit in narrow.CopyLimits.Span)
                {
                    c.Applied.Should().Contain(r => r.MaxUses == limit.MaxUses);
                    if (original.Claims.MaxUses > 0)
                    {
                        limit.MaxUses.Should().BeLessThan(original.Claims.MaxUses);
                    }
                }

                return true;
            },
            iter: TokenProperties.Cases,
            threads: 1);
        cases.Should().Be(TokenProperties.Cases);
    }

    [Fact]
    public void EverySingleBitMutation_OfANarrowedToken_IsRefused()
    {
        var cases = 0;
        Gen.Select(CaseGen, Gen.Int[0, int.MaxValue]).Sample(
            (c, position) =>
            {
                Interlocked.Increment(ref cases);
                var bytes = Base64Url.DecodeFromChars(c.Narrowed.Token);
                var bit = position % (bytes.Length * 8);
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                ThreadClock.Now = IssuedAt;
                var result = Service.Check(c.Narrowed.WithToken(Base64Url.EncodeToString(bytes)), Admitted(c));
                result.Reason.Should().BeOneOf(
                    [InvitationFailureReason.Malformed, InvitationFailureReason.UnsupportedVersion, InvitationFailureReason.UnknownKey, InvitationFailureReason.BadSignature],
                    $"bit {bit} of {bytes.Length * 8} flipped: refused before anything that depends on content");
                return true;
            },
            iter: TokenProperties.Cases,
            threads: 1);
        cases.Should().Be(TokenProperties.Cases);
    }

    [Fact]
    public void RemovingAnyRestrictions_KeepingTheTag_IsABadSignature()
    {
        var cases = 0;
        Gen.Select(CaseGen, Gen.Int[1, int.MaxValue]).Sample(
            (c, mask) =>
            {
                Interlocked.Increment(ref cases);
                var bytes = Base64Url.DecodeFromChars(c.Narrowed.Token);
                TokenParts.TryParse(bytes, out var parts).Should().Be(InvitationFailureReason.None);
                var restrictions = Split(parts.Restrictions);
                var drop = mask % ((1 << restrictions.Count) - 1) + 1; // a non-empty subset, by bit
                var kept = restrictions.Where((_, i) => (drop & (1 << i)) == 0).SelectMany(r => r).ToArray();
                byte[] header = [.. parts.Header];
                if (kept.Length == 0)
                {
                    header[1] &= unchecked((byte)~TokenCodec.FlagRestricted); // the original's layout, with the copy's tag
                }

                var truncated = Base64Url.EncodeToString([.. header, .. parts.Grants, .. kept, .. parts.Tag]);
                ThreadClock.Now = IssuedAt;
                Service.Check(c.Narrowed.WithToken(truncated), Admitted(c)).Reason.Should().Be(InvitationFailureReason.BadSignature, $"{restrictions.Count} restrictions, dropped set {drop}");
                return true;
            },
            iter: TokenProperties.Cases,
            threads: 1);
        cases.Should().Be(TokenProperties.Cases);
    }

    [Fact]
    public void EveryNarrowedCopy_IsAdmittedWhereItsRestrictionsHold()
    {
        // The other properties would pass vacuously if copies were never admitted: each one is, by its invitee (or
        // anyone) at issue time, unless its original refuses that joiner too.
        var cases = 0;
        CaseGen.Sample(
            c =>
            {
                Interlocked.Increment(ref cases);
                ThreadClock.Now = IssuedAt;
                var context = Admitted(c);
                var original = Service.Check(c.Original, context);
                var copy = Service.Check(c.Narrowed, context);
                if (original.IsValid)
                {
                    copy.IsValid.Should().BeTrue($"copy refused as {copy.Reason}");
                }

                return true;
            },
            iter: TokenProperties.Cases,
            threads: 1);
        cases.Should().Be(TokenProperties.Cases);
    }

    private static InvitationContext Admitted(Case c) => new() { Channel = TestKeys.Channel, Joiner = c.Narrowed.Invitee ?? People[1] };

    private static bool IsWithin(InvitationGrants? narrow, InvitationGrants? wide) =>
        narrow is null || (wide is not null
            && (narrow.Kinds & ~wide.Kinds) == 0
            && (narrow.Nodes & ~wide.Nodes) == 0
            && (narrow.Role is null || narrow.Role == wide.Role)
            && (narrow.Nick is null || narrow.Nick == wide.Nick)
            && (narrow.Label is null || narrow.Label == wide.Label));

    private static List<byte[]> Split(ReadOnlySpan<byte> chain)
    {
        var list = new List<byte[]>();
        while (!chain.IsEmpty)
        {
            var size = TokenRestrictionCodec.SizeOf((TokenRestrictionKind)chain[0]);
            list.Add(chain[..size].ToArray());
            chain = chain[size..];
        }

        return list;
    }

    /// <summary>A clock per thread, so that cases set their own instant.</summary>
    private sealed class ThreadClock : TimeProvider
    {
        [ThreadStatic]
        private static DateTimeOffset _now;

        public static DateTimeOffset Now
        {
            get => _now;
            set => _now = value;
        }

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
