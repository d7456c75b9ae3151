using System.Globalization;
using System.Text;

namespace Mix.Invitations.Tests.Architecture;

/// <summary>One type-to-type reference. <see cref="ToPart"/> is <see langword="null"/> for a type outside the library.</summary>
/// <param name="FromType">The referring type's full name (nested with <c>+</c>).</param>
/// <param name="FromPart">The part (first-level folder of src/Mix.Invitations) the referring type is declared in.</param>
/// <param name="ToType">The referenced type's full name.</param>
/// <param name="ToPart">The referenced type's part, or <see langword="null"/> when it is not a library type.</param>
internal sealed record TypeEdge(string FromType, string FromPart, string ToType, string? ToPart);

/// <summary>A row of the layering table.</summary>
/// <param name="Part">The part: a first-level folder of src/Mix.Invitations (<c>Internal</c> is the root helpers).</param>
/// <param name="Rank">Its row, counted from the bottom. A part may use only parts of a lower rank: same row = not each other.</param>
/// <param name="MayUse">
/// The lower parts it may use, when not all of them (<see langword="null"/>: every part of a lower rank).
/// </param>
internal sealed record Layer(string Part, int Rank, string[]? MayUse = null);

/// <summary>
/// The dependency direction of issue 15 requirement 4, as data, and the checks over a list of <see cref="TypeEdge"/>s.
/// Every check is a pure function returning a report (empty when clean), so tests can feed it invented edges and see
/// that a forbidden reference is reported without editing the library.
/// </summary>
internal static class ArchitectureRules
{
    public const string DependencyInjection = "DependencyInjection";

    /// <summary>The layering, top to bottom. A new first-level folder of src/Mix.Invitations must be added here on purpose.</summary>
    public static readonly IReadOnlyList<Layer> Layers =
    [
        new(DependencyInjection, 9),
        new("Redemption", 8),
        new("Tokens", 7),
        new("Events", 6),
        new("Inventory", 6),
        new("Telemetry", 5),
        new("Links", 5, ["Xml", "Core", "Jids", "Internal"]),
        new("Issuance", 5, ["Options", "Keys", "Policies", "Core", "Jids", "Internal"]),
        new("Options", 4),
        new("Xml", 4, ["Core", "Jids", "Internal"]),
        new("Keys", 3),
        new("Policies", 3),
        new("Core", 2),
        new("Jids", 1, []),
        new("Internal", 0, []),
    ];

    private static readonly Dictionary<string, Layer> ByPart = Layers.ToDictionary(l => l.Part, StringComparer.Ordinal);

    /// <summary>Referenced from outside <see cref="DependencyInjection"/> these mark a constructor, not a registration.</summary>
    private static readonly HashSet<string> DependencyInjectionAttributes = new(StringComparer.Ordinal)
    {
        "Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructorAttribute",
        "Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute",
        "Microsoft.Extensions.DependencyInjection.ServiceKeyAttribute",
    };

    public static bool IsKnownPart(string part) => ByPart.ContainsKey(part);

    /// <summary>Whether <paramref name="from"/> may use <paramref name="to"/>, and if not why.</summary>
    public static string? WhyForbidden(string from, string to)
    {
        if (from == to)
        {
            return null;
        }

        if (!ByPart.TryGetValue(from, out var f) || !ByPart.TryGetValue(to, out var t))
        {
            return $"{(ByPart.ContainsKey(from) ? to : from)} is not in the layering table";
        }

        if (t.Rank > f.Rank)
        {
            return Invariant($"upward: {from} is row {f.Rank}, {to} row {t.Rank}");
        }

        if (t.Rank == f.Rank)
        {
            return Invariant($"same row {f.Rank}: {from} and {to} must not use each other");
        }

        if (f.MayUse is { } allowed && !allowed.Contains(to, StringComparer.Ordinal))
        {
            return allowed.Length == 0 ? $"{from} may use no other part" : $"{from} may use only {string.Join(", ", allowed)}";
        }

        return null;
    }

    /// <summary>The table's own consistency: every named part is in it, below the part naming it.</summary>
    public static string TableProblems()
    {
        var problems = new StringBuilder();
        foreach (var layer in Layers)
        {
            foreach (var used in layer.MayUse ?? [])
            {
                if (!ByPart.TryGetValue(used, out var u))
                {
                    problems.AppendLine(Invariant($"{layer.Part} may use {used}, which is not in the table"));
                }
                else if (u.Rank >= layer.Rank)
                {
                    problems.AppendLine(Invariant($"{layer.Part} (row {layer.Rank}) may use {used} (row {u.Rank}), which is not below it"));
                }
            }
        }

        if (Layers.Select(l => l.Part).Distinct(StringComparer.Ordinal).Count() != Layers.Count)
        {
            problems.AppendLine("a part is listed twice");
        }

        return problems.ToString();
    }

    /// <summary>Every reference between parts that the table forbids.</summary>
    public static string Layering(IEnumerable<TypeEdge> edges) =>
        Report(
            "Layering: forbidden references between parts (a part may use only the parts below it in ArchitectureRules.Layers; same row = not each other)",
            edges.Where(e => e.ToPart is not null && WhyForbidden(e.FromPart, e.ToPart) is not null),
            e => WhyForbidden(e.FromPart, e.ToPart!)!);

    /// <summary>(b) Jids is the bottom: it uses no other part, not even the root helpers.</summary>
    public static string JidsStandAlone(IEnumerable<TypeEdge> edges) =>
        Report(
            "Jids must depend on no other part of the library",
            edges.Where(e => e.FromPart == "Jids" && e.ToPart is not null && e.ToPart != "Jids"),
            _ => "Jids uses another part");

    /// <summary>(c) The XML surface reads and writes wire types; it knows nothing of tokens or keys.</summary>
    public static string XmlKeepsOutOfTokensAndKeys(IEnumerable<TypeEdge> edges) =>
        Report(
            "Xml must not reach into Tokens or Keys",
            edges.Where(e => e.FromPart == "Xml" && e.ToPart is "Tokens" or "Keys"),
            e => $"Xml uses {e.ToPart}");

    /// <summary>(d) Only DependencyInjection knows the service collection (any Microsoft.Extensions.DependencyInjection type but the constructor attributes).</summary>
    public static string OnlyDependencyInjectionKnowsServiceCollection(IEnumerable<TypeEdge> edges) =>
        Report(
            "Only DependencyInjection may use IServiceCollection and the rest of Microsoft.Extensions.DependencyInjection",
            edges.Where(e => e.FromPart != DependencyInjection && e.ToPart is null && IsServiceRegistrationType(e.ToType)),
            e => $"{e.FromPart} uses Microsoft.Extensions.DependencyInjection");

    /// <summary>Whether a type outside the library belongs to the service-registration API.</summary>
    public static bool IsServiceRegistrationType(string fullName)
    {
        var ns = Namespace(fullName);
        return ns is "Microsoft.Extensions.DependencyInjection" or "Microsoft.Extensions.DependencyInjection.Extensions"
            && !DependencyInjectionAttributes.Contains(fullName);
    }

    /// <summary>
    /// (a) No cycle between parts, whatever the table says. For each tangle (strongly connected set of parts), a shortest
    /// cycle through each of its part edges, with type pairs for every hop: every edge that keeps the tangle tied shows.
    /// </summary>
    public static string Cycles(IEnumerable<TypeEdge> edges)
    {
        var between = edges.Where(e => e.ToPart is not null && e.ToPart != e.FromPart).ToList();
        var graph = between
            .GroupBy(e => e.FromPart, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ToPart!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var tangles = StronglyConnected(graph).Where(c => c.Count > 1).Select(c => c.Order(StringComparer.Ordinal).ToList()).OrderBy(c => c[0], StringComparer.Ordinal).ToList();
        if (tangles.Count == 0)
        {
            return "";
        }

        var report = new StringBuilder();
        report.AppendLine(Invariant($"Cycles between parts: {tangles.Count} set(s) of parts that reach each other."));
        foreach (var tangle in tangles)
        {
            var cycles = new List<List<string>>();
            foreach (var from in tangle)
            {
                foreach (var to in graph[from].Where(tangle.Contains))
                {
                    var cycle = ShortestPath(to, from, tangle, graph);
                    var rotate = cycle.IndexOf(cycle.Min(StringComparer.Ordinal)!);
                    cycle = [.. cycle.Skip(rotate), .. cycle.Take(rotate)];
                    if (!cycles.Any(c => c.SequenceEqual(cycle, StringComparer.Ordinal)))
                    {
                        cycles.Add(cycle);
                    }
                }
            }

            report.AppendLine(Invariant($"  {string.Join(", ", tangle)}: {cycles.Count} cycle(s)"));
            foreach (var cycle in cycles)
            {
                report.AppendLine("    " + string.Join(" -> ", cycle.Append(cycle[0])));
                for (var i = 0; i < cycle.Count; i++)
                {
                    var (from, to) = (cycle[i], cycle[(i + 1) % cycle.Count]);
                    var hop = between.Where(e => e.FromPart == from && e.ToPart == to).Distinct().ToList();
                    report.AppendLine(Invariant($"      {from} -> {to} ({hop.Count} reference{(hop.Count == 1 ? "" : "s")}), e.g. {string.Join("; ", hop.Take(3).Select(Describe))}"));
                }
            }
        }

        return report.ToString();
    }

    /// <summary><c>Keys/ChannelKeyCache -> Tokens/TokenMac</c>.</summary>
    public static string Describe(TypeEdge e) =>
        $"{e.FromPart}/{ShortName(e.FromType)} -> {(e.ToPart is null ? e.ToType : e.ToPart + "/" + ShortName(e.ToType))}";

    public static string Namespace(string fullName)
    {
        var outer = fullName.Split('+')[0];
        var dot = outer.LastIndexOf('.');
        return dot < 0 ? "" : outer[..dot];
    }

    public static string ShortName(string fullName)
    {
        var ns = Namespace(fullName);
        return ns.Length == 0 ? fullName : fullName[(ns.Length + 1)..];
    }

    private static string Report(string title, IEnumerable<TypeEdge> offending, Func<TypeEdge, string> why)
    {
        var groups = offending
            .Distinct()
            .GroupBy(e => (e.FromPart, ToPart: e.ToPart ?? Namespace(e.ToType)))
            .OrderBy(g => g.Key.FromPart, StringComparer.Ordinal)
            .ThenBy(g => g.Key.ToPart, StringComparer.Ordinal)
            .ToList();
        if (groups.Count == 0)
        {
            return "";
        }

        var report = new StringBuilder();
        report.AppendLine(Invariant($"{title}. {groups.Sum(g => g.Count())} reference(s) over {groups.Count} part edge(s):"));
        foreach (var g in groups)
        {
            report.AppendLine(Invariant($"  {g.Key.FromPart} -> {g.Key.ToPart} ({why(g.First())}):"));
            foreach (var line in g.Select(Describe).Order(StringComparer.Ordinal))
            {
                report.AppendLine("    " + line);
            }
        }

        return report.ToString();
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, List<string>> graph)
    {
        var nodes = graph.Keys.Concat(graph.Values.SelectMany(v => v)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<List<string>>();
        var next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                result.Add(component);
            }
        }

        foreach (var n in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(n);
        }

        return result;
    }

    /// <summary>A shortest path from <paramref name="start"/> to <paramref name="goal"/> inside <paramref name="inside"/>, <paramref name="goal"/> first: the cycle closed by the edge goal -> start.</summary>
    private static List<string> ShortestPath(string start, string goal, List<string> inside, Dictionary<string, List<string>> graph)
    {
        var previous = new Dictionary<string, string>(StringComparer.Ordinal) { [start] = start };
        var queue = new Queue<string>([start]);
        while (queue.Count > 0 && !previous.ContainsKey(goal))
        {
            var v = queue.Dequeue();
            foreach (var w in (graph.GetValueOrDefault(v) ?? []).Where(inside.Contains))
            {
                if (previous.TryAdd(w, v))
                {
                    queue.Enqueue(w);
                }
            }
        }

        var path = new List<string> { goal };
        for (var v = goal; v != start; v = previous[v])
        {
            path.Add(previous[v]);
        }

        // goal, ..., start reversed is start ... goal; the cycle reads goal -> start -> ... -> goal.
        path.Reverse();
        return [goal, .. path.Take(path.Count - 1)];
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
