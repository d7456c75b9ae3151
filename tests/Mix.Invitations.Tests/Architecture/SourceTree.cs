using System.Text;
using System.Text.RegularExpressions;

namespace Mix.Invitations.Tests.Architecture;

/// <summary>A type declared in a source file of the library.</summary>
/// <param name="FullName">Namespace, outer types and name as reflection spells it: <c>Ns.Outer+Inner`1</c>.</param>
/// <param name="File">The file, relative to src/Mix.Invitations, with <c>/</c>.</param>
/// <param name="Part">The file's first-level folder (<see langword="null"/> for a file directly in src/Mix.Invitations).</param>
internal sealed record DeclaredType(string FullName, string File, string? Part)
{
    /// <summary>Whether the file is in an <c>Internal/</c> folder (the root helpers or a part's own).</summary>
    public bool InInternalFolder => File.Split('/').SkipLast(1).Contains("Internal", StringComparer.Ordinal);
}

/// <summary>
/// The library's source files, read from the working tree (found by walking up from the test's output directory to
/// Mix.Invitations.sln), and the types each declares, found by a small scanner: namespaces (block or file-scoped),
/// classes, structs, interfaces, enums, records and delegates, nested ones included. Comments, strings and
/// preprocessor lines are blanked first so that braces in them do not count.
/// </summary>
/// <remarks>
/// The live tree rather than a copy in the output directory: files are moved between folders, and a copy can keep a
/// file's old place until a clean build; every test run starts inside the repository, so the tree is always found.
/// </remarks>
internal sealed partial class SourceTree
{
    private static readonly HashSet<string> Modifiers = new(StringComparer.Ordinal)
    {
        "public", "internal", "private", "protected", "static", "sealed", "abstract", "partial", "readonly", "ref",
        "unsafe", "new", "file", "required", "extern",
    };

    private SourceTree(string root, IReadOnlyList<string> files, IReadOnlyList<DeclaredType> types)
    {
        Root = root;
        Files = files;
        Types = types;
    }

    /// <summary>src/Mix.Invitations, absolute.</summary>
    public string Root { get; }

    /// <summary>Every .cs file (not under obj/ or bin/), relative to <see cref="Root"/>, with <c>/</c>.</summary>
    public IReadOnlyList<string> Files { get; }

    public IReadOnlyList<DeclaredType> Types { get; }

    public static SourceTree Load()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Mix.Invitations");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var types = files.SelectMany(f => Scan(File.ReadAllText(Path.Combine(root, f))).Select(n => new DeclaredType(n, f, PartOf(f)))).ToList();
        return new SourceTree(root, files, types);
    }

    /// <summary>The part of a file: its first-level folder (<c>Keys/Internal/KeyRing.cs</c> is Keys, <c>Internal/Error.cs</c> the root helpers).</summary>
    public static string? PartOf(string relativeFile)
    {
        var slash = relativeFile.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? null : relativeFile[..slash];
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(thisFile) ?? "" })
        {
            for (var dir = start.Length == 0 ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Mix.Invitations.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Mix.Invitations.sln not found above {AppContext.BaseDirectory}: the architecture test reads src/Mix.Invitations from the working tree.");
    }

    /// <summary>The full names (reflection style) of the types a C# file declares.</summary>
    public static IReadOnlyList<string> Scan(string source)
    {
        var code = Blank(source);
        var names = new List<string>();
        var scopes = new Stack<(string? Namespace, string? Type)>();
        var fileNamespace = "";
        (string? Namespace, string? Type)? pending = null;

        foreach (Match m in Tokens().Matches(code))
        {
            if (m.Groups["ns"].Success)
            {
                if (m.Groups["nsend"].Value == ";")
                {
                    fileNamespace = m.Groups["ns"].Value;
                }
                else
                {
                    scopes.Push((m.Groups["ns"].Value, null));
                }

                pending = null;
            }
            else if (m.Groups["name"].Success || m.Groups["dname"].Success)
            {
                if (!IsDeclaration(code, m.Index))
                {
                    continue;
                }

                var isDelegate = m.Groups["dname"].Success;
                var name = (isDelegate ? m.Groups["dname"].Value : m.Groups["name"].Value).TrimStart('@');
                var generic = isDelegate ? m.Groups["dgen"] : m.Groups["gen"];
                if (generic.Success)
                {
                    name += "`" + (Depth0Commas(generic.Value) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                var outer = scopes.Where(s => s.Type is not null).Select(s => s.Type!).Reverse().ToList();
                var ns = string.Join('.', new[] { fileNamespace }.Concat(scopes.Where(s => s.Namespace is not null).Select(s => s.Namespace!).Reverse()).Where(s => s.Length > 0));
                var typePath = string.Join('+', outer.Append(name));
                names.Add(ns.Length == 0 ? typePath : ns + "." + typePath);
                pending = isDelegate ? null : (null, name);
            }
            else if (m.Value == "{")
            {
                scopes.Push(pending ?? (null, null));
                pending = null;
            }
            else if (m.Value == "}")
            {
                if (scopes.Count > 0)
                {
                    scopes.Pop();
                }
            }
            else if (m.Value == ";")
            {
                pending = null;
            }
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>A keyword starts a declaration only after a modifier, an attribute, or the end of a statement or block (not in <c>where T : class</c>).</summary>
    private static bool IsDeclaration(string code, int at)
    {
        var i = at - 1;
        while (i >= 0 && char.IsWhiteSpace(code[i]))
        {
            i--;
        }

        if (i < 0 || code[i] is ';' or '{' or '}' or ']')
        {
            return true;
        }

        var end = i + 1;
        while (i >= 0 && (char.IsLetterOrDigit(code[i]) || code[i] == '_'))
        {
            i--;
        }

        return Modifiers.Contains(code[(i + 1)..end]);
    }

    private static int Depth0Commas(string genericList)
    {
        int depth = 0, commas = 0;
        foreach (var c in genericList)
        {
            depth += c switch { '<' or '(' or '[' => 1, '>' or ')' or ']' => -1, _ => 0 };
            commas += c == ',' && depth == 1 ? 1 : 0;
        }

        return commas;
    }

    [GeneratedRegex("""
        \bnamespace\s+(?<ns>[\w.]+)\s*(?<nsend>[;{])
        | \b(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?)\s+(?<name>@?[A-Za-z_]\w*)(?<gen>\s*<[^<>]*(?:<[^<>]*>[^<>]*)*>)?
        | \bdelegate\s+[\w.<>\[\]?,\s()]+?\s(?<dname>@?[A-Za-z_]\w*)\s*(?<dgen><[^<>]*>)?\s*\(
        | [{};]
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Tokens();

    /// <summary>The code with comments, string and character literals and preprocessor lines blanked.</summary>
    public static string Blank(string source)
    {
        var output = new StringBuilder(source.Length);
        var i = 0;
        Code(source, ref i, output, inHole: false);
        return output.ToString();
    }

    /// <summary>Copies code to <paramref name="output"/> until the end, or in an interpolation hole until its closing brace (left at <paramref name="i"/>).</summary>
    private static void Code(string s, ref int i, StringBuilder? output, bool inHole)
    {
        var depth = 0;
        var lineStart = true;
        while (i < s.Length)
        {
            var c = s[i];
            var next = i + 1 < s.Length ? s[i + 1] : '\0';
            if (c == '/' && next == '/' || c == '#' && lineStart && !inHole)
            {
                while (i < s.Length && s[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '/' && next == '*')
            {
                var close = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? s.Length : close + 2;
                output?.Append(' ');
                continue;
            }

            if (c == '\'')
            {
                for (i++; i < s.Length && s[i] != '\''; i++)
                {
                    i += s[i] == '\\' ? 1 : 0;
                }

                i++;
                output?.Append("' '");
                lineStart = false;
                continue;
            }

            if (c == '"' || (c is '$' or '@' && (next is '"' or '$' || next == '@' && i + 2 < s.Length && s[i + 2] == '"')))
            {
                SkipString(s, ref i);
                output?.Append("\"\"");
                lineStart = false;
                continue;
            }

            if (inHole)
            {
                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}')
                {
                    if (depth == 0)
                    {
                        return;
                    }

                    depth--;
                }
            }

            lineStart = c == '\n' || (lineStart && char.IsWhiteSpace(c));
            output?.Append(c);
            i++;
        }
    }

    private static void SkipString(string s, ref int i)
    {
        int dollars = 0;
        var verbatim = false;
        for (; s[i] != '"'; i++)
        {
            dollars += s[i] == '$' ? 1 : 0;
            verbatim |= s[i] == '@';
        }

        var quotes = 0;
        while (i + quotes < s.Length && s[i + quotes] == '"')
        {
            quotes++;
        }

        if (!verbatim && quotes >= 3)
        {
            // A raw string: ends at the same number of quotes (its holes need no special care).
            var close = s.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
            i = close < 0 ? s.Length : close + quotes;
            return;
        }

        if (!verbatim && quotes == 2)
        {
            i += 2;
            return;
        }

        for (i++; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && !verbatim)
            {
                i++;
            }
            else if (c == '"')
            {
                if (verbatim && i + 1 < s.Length && s[i + 1] == '"')
                {
                    i++;
                    continue;
                }

                i++;
                return;
            }
            else if (dollars > 0 && c is '{' or '}')
            {
                if (i + 1 < s.Length && s[i + 1] == c)
                {
                    i++;
                }
                else if (c == '{')
                {
                    i++;
                    Code(s, ref i, null, inHole: true);
                }
            }
        }
    }
}
