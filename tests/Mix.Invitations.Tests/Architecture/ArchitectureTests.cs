using System.Text;

namespace Mix.Invitations.Tests.Architecture;

/// <summary>
/// Issue 15 requirement 4: folders mean what they say and arrows run one way. A part is a first-level folder of
/// src/Mix.Invitations (its <c>Internal/</c> subfolder included; <c>Internal/</c> at the top is the root helpers);
/// <see cref="ArchitectureRules.Layers"/> is the direction. The first tests check the compiled library, the
/// <c>Rules_*</c> tests feed the same checks invented references to show that each forbidden one is reported.
/// </summary>
public class ArchitectureTests
{
    /// <summary>Assembly types without a source file, and why that is fine. Anything else unmapped fails.</summary>
    private static readonly (string Prefix, string Why)[] GeneratedCode =
    [
        ("<Module>", "the module type"),
        ("<PrivateImplementationDetails>", "the compiler's constant data"),
        ("<>z__ReadOnlyArray`", "the compiler's collection-expression backing type"),
        ("__OptionValidationStaticInstances.", "the [OptionsValidator] source generator's shared validators"),
        ("Microsoft.CodeAnalysis.", "compiler-emitted attributes (EmbeddedAttribute)"),
        ("System.Runtime.CompilerServices.", "compiler-emitted attributes (RefSafetyRules, Nullable, InterceptsLocation)"),
        ("Microsoft.Extensions.Configuration.Binder.SourceGeneration.", "the configuration-binding source generator"),
        ("System.Text.RegularExpressions.Generated.", "the GeneratedRegex source generator"),
    ];

    private static LibraryModel Library => LibraryModel.Instance.Value;

    [Fact]
    public void InvitationService_StaysSplitByConcern_AtMost250Lines()
    {
        // Issue 15: signing, the policy registry, request checks and options reload live in their own types; a service
        // file that grows past this is taking a concern back.
        var lines = File.ReadAllLines(Path.Combine(SourceTree.Load().Root, "Tokens", "InvitationService.cs")).Length;

        lines.Should().BeLessThanOrEqualTo(250);
    }

    [Fact]
    public void Layers_Table_IsConsistent()
    {
        Fail(ArchitectureRules.TableProblems());
    }

    [Fact]
    public void Parts_DependOnlyOnPartsBelowThem()
    {
        Fail(ArchitectureRules.Layering(Library.Edges));
    }

    [Fact]
    public void Parts_HaveNoCycle()
    {
        Fail(ArchitectureRules.Cycles(Library.Edges));
    }

    [Fact]
    public void Jids_DependsOnNoOtherPart()
    {
        Fail(ArchitectureRules.JidsStandAlone(Library.Edges));
    }

    [Fact]
    public void Xml_DoesNotReachIntoTokensOrKeys()
    {
        Fail(ArchitectureRules.XmlKeepsOutOfTokensAndKeys(Library.Edges));
    }

    [Fact]
    public void ServiceCollection_IsKnownOnlyToDependencyInjection()
    {
        Fail(ArchitectureRules.OnlyDependencyInjectionKnowsServiceCollection(Library.Edges));
        Library.Edges.Should().Contain(
            e => e.FromPart == ArchitectureRules.DependencyInjection && e.ToType == "Microsoft.Extensions.DependencyInjection.IServiceCollection",
            "the check must see the registrations DependencyInjection makes, or it proves nothing");
    }

    [Fact]
    public void SourceFiles_AreAllInAPartFolderOfTheTable()
    {
        var strays = Library.Source.Files
            .Where(f => SourceTree.PartOf(f) is not { } part || !ArchitectureRules.IsKnownPart(part))
            .Select(f => $"  {f} ({(SourceTree.PartOf(f) is { } part ? $"folder {part} is not in ArchitectureRules.Layers: add it there on purpose" : "directly in src/Mix.Invitations: put it in a part folder")})")
            .ToList();
        Fail(strays.Count == 0 ? "" : "Source files outside the parts of the table:\n" + string.Join('\n', strays));
    }

    [Fact]
    public void PublicTypes_LiveOutsideInternalFolders_AndInternalFoldersHoldNoPublicType()
    {
        var declared = Library.Source.Types.ToLookup(t => t.FullName, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var type in typeof(Jid).Assembly.GetTypes().Where(t => t.IsVisible).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var files = declared[type.FullName!].ToList();
            if (files.Count == 0)
            {
                problems.Add($"  {type.FullName}: public, but no source file declares it");
            }

            problems.AddRange(files.Where(f => f.InInternalFolder).Select(f => $"  {type.FullName}: public, but declared in an Internal/ folder ({f.File})"));
            problems.AddRange(files.Where(f => f.Part is null).Select(f => $"  {type.FullName}: public, but not in a part folder ({f.File})"));
        }

        Fail(problems.Count == 0 ? "" : "Public types must live in a part folder, not in Internal/; Internal/ folders hold no public type:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void AssemblyTypes_EachHaveAPart_ExceptListedGeneratedCode()
    {
        var unexpected = Library.Unmapped.Where(n => !GeneratedCode.Any(g => n.StartsWith(g.Prefix, StringComparison.Ordinal))).ToList();
        var ignored = Library.Unmapped.Except(unexpected, StringComparer.Ordinal).ToList();
        var inTwoParts = Library.Source.Types
            .GroupBy(t => t.FullName, StringComparer.Ordinal)
            .Where(g => g.Select(t => t.Part).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => $"  {g.Key}: {string.Join(", ", g.Select(t => t.File))}")
            .ToList();
        var notCompiled = Library.Source.Types.Select(t => t.FullName).Distinct(StringComparer.Ordinal).Except(Library.AssemblyTypes, StringComparer.Ordinal).ToList();

        var report = new StringBuilder();
        if (unexpected.Count > 0)
        {
            report.AppendLine("Types of the assembly with no part (no source file declares them or their outer type; if generated, add the generator to GeneratedCode):");
            unexpected.ForEach(n => report.AppendLine("  " + n));
        }

        if (inTwoParts.Count > 0)
        {
            report.AppendLine("Partial types split over two parts:");
            inTwoParts.ForEach(n => report.AppendLine(n));
        }

        if (notCompiled.Count > 0)
        {
            report.AppendLine("Types the source scan found but the assembly does not have (a scanner mistake, so their part is unknown):");
            notCompiled.ForEach(n => report.AppendLine("  " + n));
        }

        var ignoredList = "Ignored as generated code:\n" + string.Join('\n', ignored.Select(n => $"  {n} ({GeneratedCode.First(g => n.StartsWith(g.Prefix, StringComparison.Ordinal)).Why})"));
        TestContext.Current.TestOutputHelper?.WriteLine(ignoredList);
        if (report.Length > 0)
        {
            report.AppendLine(ignoredList);
        }

        Fail(report.ToString());
        Library.Edges.Should().NotBeEmpty("the assembly's references were read");
    }

    // The rules bite: each invented forbidden reference is reported, by the check that owns it.

    [Fact]
    public void Rules_JidsUsingTokens_IsReportedByJidsAndLayering()
    {
        TypeEdge[] edges = [new("Mix.Invitations.Jid", "Jids", "Mix.Invitations.Internal.TokenMac", "Tokens")];

        ArchitectureRules.JidsStandAlone(edges).Should().Contain("Jids -> Tokens").And.Contain("Jids/Jid -> Tokens/TokenMac");
        ArchitectureRules.Layering(edges).Should().Contain("Jids -> Tokens (upward");
    }

    [Fact]
    public void Rules_JidsUsingRootHelpers_IsReported()
    {
        TypeEdge[] edges = [new("Mix.Invitations.Jid", "Jids", "Mix.Invitations.Internal.Error", "Internal")];

        ArchitectureRules.JidsStandAlone(edges).Should().Contain("Jids/Jid -> Internal/Error");
        ArchitectureRules.Layering(edges).Should().Contain("Jids may use no other part");
    }

    [Fact]
    public void Rules_XmlUsingKeysOrTokens_IsReported()
    {
        TypeEdge[] edges =
        [
            new("Mix.Invitations.InvitationStanzaError", "Xml", "Mix.Invitations.InvitationFailureReason", "Tokens"),
            new("Mix.Invitations.InviteResult", "Xml", "Mix.Invitations.Internal.KeyRing", "Keys"),
        ];

        var report = ArchitectureRules.XmlKeepsOutOfTokensAndKeys(edges);

        report.Should().Contain("Xml -> Keys").And.Contain("Xml -> Tokens").And.Contain("Xml/InvitationStanzaError -> Tokens/InvitationFailureReason");
        ArchitectureRules.Layering(edges).Should().Contain("Xml -> Keys (Xml may use only Core, Jids, Internal)");
    }

    [Fact]
    public void Rules_KeysTokensCycle_IsReportedWithItsPath()
    {
        TypeEdge[] edges =
        [
            new("Mix.Invitations.Internal.ChannelKeyCache", "Keys", "Mix.Invitations.Internal.TokenMac", "Tokens"),
            new("Mix.Invitations.InvitationService", "Tokens", "Mix.Invitations.Internal.KeyRing", "Keys"),
            new("Mix.Invitations.InvitationService", "Tokens", "Mix.Invitations.Jid", "Jids"),
        ];

        var report = ArchitectureRules.Cycles(edges);

        report.Should().Contain("Keys -> Tokens -> Keys")
            .And.Contain("Keys/ChannelKeyCache -> Tokens/TokenMac")
            .And.Contain("Tokens/InvitationService -> Keys/KeyRing")
            .And.NotContain("Jids");
    }

    [Fact]
    public void Rules_LongerCycle_IsReportedWithEveryHop()
    {
        TypeEdge[] edges =
        [
            new("A", "Core", "B", "Keys"),
            new("B", "Keys", "C", "Options"),
            new("C", "Options", "A", "Core"),
        ];

        ArchitectureRules.Cycles(edges).Should().Contain("Core -> Keys -> Options -> Core");
    }

    [Fact]
    public void Rules_UpwardEdge_IsReported()
    {
        TypeEdge[] edges = [new("Mix.Invitations.WireElement", "Core", "Mix.Invitations.InvitationClaims", "Tokens")];

        ArchitectureRules.Layering(edges).Should().Contain("Core -> Tokens (upward: Core is row 2, Tokens row 7)").And.Contain("Core/WireElement -> Tokens/InvitationClaims");
    }

    [Fact]
    public void Rules_SameRowEdge_IsReported()
    {
        TypeEdge[] edges = [new("Mix.Invitations.Internal.KeyRing", "Keys", "Mix.Invitations.BindingPolicies", "Policies")];

        ArchitectureRules.Layering(edges).Should().Contain("Keys -> Policies (same row 3");
    }

    [Fact]
    public void Rules_LinksUsingOptions_IsReportedThoughBelowIt()
    {
        TypeEdge[] edges = [new("Mix.Invitations.InvitationLink", "Links", "Mix.Invitations.MixInvitationOptions", "Options")];

        ArchitectureRules.Layering(edges).Should().Contain("Links -> Options (Links may use only Xml, Core, Jids, Internal)");
    }

    [Fact]
    public void Rules_UnknownPart_IsReported()
    {
        TypeEdge[] edges = [new("Mix.Invitations.Something", "Misc", "Mix.Invitations.Jid", "Jids")];

        ArchitectureRules.Layering(edges).Should().Contain("Misc is not in the layering table");
    }

    [Fact]
    public void Rules_ServiceCollectionOutsideDependencyInjection_IsReported()
    {
        TypeEdge[] edges =
        [
            new("Mix.Invitations.InvitationService", "Tokens", "Microsoft.Extensions.DependencyInjection.IServiceCollection", null),
            new("Mix.Invitations.InvitationTelemetry", "Telemetry", "Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions", null),
            new("Mix.Invitations.InvitationRedeemer", "Redemption", "Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructorAttribute", null),
            new("Microsoft.Extensions.DependencyInjection.MixInvitationsServiceCollectionExtensions", "DependencyInjection", "Microsoft.Extensions.DependencyInjection.IServiceCollection", null),
        ];

        var report = ArchitectureRules.OnlyDependencyInjectionKnowsServiceCollection(edges);

        report.Should().Contain("Tokens/InvitationService -> Microsoft.Extensions.DependencyInjection.IServiceCollection")
            .And.Contain("Telemetry/InvitationTelemetry -> Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions")
            .And.NotContain("ActivatorUtilitiesConstructorAttribute")
            .And.NotContain("DependencyInjection/");
    }

    [Fact]
    public void Rules_AllowedEdges_AreNotReported()
    {
        TypeEdge[] edges =
        [
            new("Microsoft.Extensions.DependencyInjection.MixInvitationsServiceCollectionExtensions", "DependencyInjection", "Mix.Invitations.InvitationService", "Tokens"),
            new("Mix.Invitations.InvitationRedeemer", "Redemption", "Mix.Invitations.IInvitationValidator", "Tokens"),
            new("Mix.Invitations.InvitationService", "Tokens", "Mix.Invitations.InvitationTelemetry", "Telemetry"),
            new("Mix.Invitations.InvitationTelemetry", "Telemetry", "Mix.Invitations.MixInvitationOptions", "Options"),
            new("Mix.Invitations.Internal.MixInvitationOptionsCrossFieldValidator", "Options", "Mix.Invitations.Internal.KeyRing", "Keys"),
            new("Mix.Invitations.InvitationLink", "Links", "Mix.Invitations.Invitation", "Xml"),
            new("Mix.Invitations.InviteResult", "Xml", "Mix.Invitations.WireElement", "Core"),
            new("Mix.Invitations.Internal.KeyRing", "Keys", "Mix.Invitations.Jid", "Jids"),
            new("Mix.Invitations.BindingPolicies", "Policies", "Mix.Invitations.Internal.Error", "Internal"),
            new("Mix.Invitations.WireElement", "Core", "Mix.Invitations.Internal.XmlNames", "Internal"),
            new("Mix.Invitations.Jid", "Jids", "Mix.Invitations.Internal.JidNormalizer", "Jids"),
            new("Mix.Invitations.Jid", "Jids", "System.String", null),
        ];

        ArchitectureRules.Layering(edges).Should().BeEmpty();
        ArchitectureRules.Cycles(edges).Should().BeEmpty();
        ArchitectureRules.JidsStandAlone(edges).Should().BeEmpty();
        ArchitectureRules.XmlKeepsOutOfTokensAndKeys(edges).Should().BeEmpty();
        ArchitectureRules.OnlyDependencyInjectionKnowsServiceCollection(edges).Should().BeEmpty();
    }

    [Fact]
    public void Scanner_FindsNestedGenericAndDelegateTypes_NotBracesInStringsOrConstraints()
    {
        const string Source = """"
            using System;
            namespace Mix.Invitations.Internal;

            /// <summary>class NotAType { </summary>
            internal sealed partial class Outer<T> where T : class
            {
                private const string Text = "class NotAType {";
                private static readonly string Interpolated = $"{{ {Nested.Value} }} {(true ? "}" : "{")}";
                private static readonly string Raw = """ class NotAType { """;
                private static readonly char Brace = '{';
                public readonly record struct Nested(int Value);
                internal delegate TResult Projection<in TIn, out TResult>(TIn value);
            #region Kinds
            #pragma warning disable CA1008 // { not a brace
                private enum Kind { A, B }
            #endregion
            }

            public record Positional(string Name);
            file static class Helper<TKey, TValue> { interface IMarker { } }
            internal interface IBoth<T, U> where T : class where U : struct;
            """";

        SourceTree.Scan(Source).Should().Equal(
            "Mix.Invitations.Internal.Outer`1",
            "Mix.Invitations.Internal.Outer`1+Nested",
            "Mix.Invitations.Internal.Outer`1+Projection`2",
            "Mix.Invitations.Internal.Outer`1+Kind",
            "Mix.Invitations.Internal.Positional",
            "Mix.Invitations.Internal.Helper`2",
            "Mix.Invitations.Internal.Helper`2+IMarker",
            "Mix.Invitations.Internal.IBoth`2");
    }

    [Fact]
    public void Scanner_BlockNamespaces_Nest()
    {
        const string Source = """
            namespace A { namespace B.C { class X { struct Y { } } } interface Z { } }
            """;

        SourceTree.Scan(Source).Should().Equal("A.B.C.X", "A.B.C.X+Y", "A.Z");
    }

    private static void Fail(string report)
    {
        if (report.Length > 0)
        {
            Assert.Fail(report);
        }
    }
}
