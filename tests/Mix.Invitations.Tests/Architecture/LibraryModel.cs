using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace Mix.Invitations.Tests.Architecture;

/// <summary>
/// The compiled library as parts and references: every type of the Mix.Invitations assembly (read by ArchUnitNET)
/// mapped to the part its source file is in, and every reference from a type to another type as a <see cref="TypeEdge"/>.
/// </summary>
/// <remarks>
/// Namespaces do not say the part (public types are all in <c>Mix.Invitations</c>), the folder does. A nested type
/// belongs to its outer type's part, and so does code the compiler or a generator puts inside a type (lambdas,
/// iterators, LoggerMessage structs), and the options-validation generator's <c>__XValidator__</c> goes with <c>X</c>.
/// Generated code of its own (configuration binder, regular expressions, compiler
/// helpers) has no file and no part: its types are listed in <see cref="Unmapped"/> and their references ignored.
/// </remarks>
internal sealed partial class LibraryModel
{
    public static readonly Lazy<LibraryModel> Instance = new(Build);

    private LibraryModel(SourceTree source, IReadOnlyList<string> types, IReadOnlyList<string> unmapped, IReadOnlyList<TypeEdge> edges)
    {
        Source = source;
        AssemblyTypes = types;
        Unmapped = unmapped;
        Edges = edges;
    }

    public SourceTree Source { get; }

    /// <summary>Every type of the assembly (reflection's and ArchUnitNET's lists), reflection-style names.</summary>
    public IReadOnlyList<string> AssemblyTypes { get; }

    /// <summary>Assembly types with no part, outermost type only: neither declared in a file nor nested in a type that is.</summary>
    public IReadOnlyList<string> Unmapped { get; }

    /// <summary>References between types, compiler-generated nested types folded into their declaring type, duplicates removed.</summary>
    public IReadOnlyList<TypeEdge> Edges { get; }

    private static LibraryModel Build()
    {
        var source = SourceTree.Load();
        var declared = source.Types
            .GroupBy(t => t.FullName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Part ?? "(root)").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).First(), StringComparer.Ordinal);

        string? PartOfType(string fullName)
        {
            for (var name = fullName; ; name = name[..name.LastIndexOf('+')])
            {
                if (declared.TryGetValue(name, out var part))
                {
                    return part;
                }

                if (!name.Contains('+', StringComparison.Ordinal))
                {
                    // The [OptionsValidator] generator's Ns.__XValidator__ validates Ns.X: it goes with X.
                    var validator = GeneratedValidatorPattern().Match(name);
                    return validator.Success ? declared.GetValueOrDefault(validator.Groups["ns"].Value + validator.Groups["type"].Value) : null;
                }
            }
        }

        var architecture = new ArchLoader().LoadAssemblies(typeof(Jid).Assembly).Build();
        var types = architecture.Types.ToList();
        var library = types.Select(t => Normalize(t.FullName)).ToHashSet(StringComparer.Ordinal);

        // ArchUnitNET leaves out compiler-generated types (file-local generated classes among them); reflection lists them all.
        var names = library.Union(typeof(Jid).Assembly.GetTypes().Select(t => t.FullName!), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unmapped = names.Where(n => PartOfType(n) is null).Select(n => n.Split('+')[0]).Distinct(StringComparer.Ordinal).ToList();

        var edges = new HashSet<TypeEdge>();
        foreach (var type in types)
        {
            var from = Normalize(type.FullName);
            if (PartOfType(from) is not { } fromPart)
            {
                continue;
            }

            var dependencies = type.Dependencies.Concat(type.Members.SelectMany(m => m.Dependencies));
            foreach (var dependency in dependencies)
            {
                var to = Normalize(dependency.Target.FullName);
                var toPart = library.Contains(to) ? PartOfType(to) : null;
                if (library.Contains(to) && toPart is null)
                {
                    continue; // generated code without a part: listed by the mapping test
                }

                var edge = new TypeEdge(Fold(from), fromPart, toPart is null ? to : Fold(to), toPart);
                if (edge.FromType != edge.ToType)
                {
                    edges.Add(edge);
                }
            }
        }

        return new LibraryModel(source, names, unmapped, edges.OrderBy(e => e.FromType, StringComparer.Ordinal).ThenBy(e => e.ToType, StringComparer.Ordinal).ToList());
    }

    /// <summary>Reflection style: <c>+</c> between nested types, no array, pointer or by-ref suffix.</summary>
    private static string Normalize(string fullName) => Suffix().Replace(fullName.Replace('/', '+'), "");

    /// <summary><c>Ns.Type+&lt;Method&gt;d__3</c> is <c>Ns.Type</c>: compiler-generated nested types count as their declaring type.</summary>
    private static string Fold(string fullName)
    {
        var segments = fullName.Split('+');
        var keep = 1;
        while (keep < segments.Length && !segments[keep].StartsWith('<'))
        {
            keep++;
        }

        return string.Join('+', segments[..keep]);
    }

    [GeneratedRegex(@"^(?<ns>[\w.]+\.)__(?<type>\w+)Validator__$", RegexOptions.CultureInvariant)]
    private static partial Regex GeneratedValidatorPattern();

    [GeneratedRegex(@"(\[,*\]|\*|&)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Suffix();
}
