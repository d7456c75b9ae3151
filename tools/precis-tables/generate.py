#!/usr/bin/env python3
"""Generates src/Mix.Invitations/Jids/Precis/UnicodeTables.Generated.cs.

The BCL exposes the General_Category (Rune.GetUnicodeCategory), simple case mappings and the
normalisation forms, but none of the other Unicode properties PRECIS needs (RFC 8264 §9, RFC 5892
Appendix A, RFC 5893, Unicode §3.13 Final_Sigma). This script turns the Unicode Character Database
files into compact range tables committed as C# source, so the library needs no data files at run time.

Input: the UCD text files, by default from Debian's `unicode-data` package
(`apt-get install unicode-data`, which installs /usr/share/unicode/*.txt).

Usage: python3 tools/precis-tables/generate.py [UCD_DIR] > src/Mix.Invitations/Jids/Precis/UnicodeTables.Generated.cs
"""

import os
import re
import sys

UCD = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
MAX = 0x110000


def lines(name):
    with open(os.path.join(UCD, name), encoding="utf-8") as f:
        for raw in f:
            yield raw


def ucd_version():
    first = next(lines("DerivedCoreProperties.txt"))
    m = re.search(r"(\d+\.\d+\.\d+)", first)
    return m.group(1)


def parse_range(text):
    text = text.strip()
    if ".." in text:
        a, b = text.split("..")
        return int(a, 16), int(b, 16)
    v = int(text, 16)
    return v, v


def property_file(name):
    """Yields (first, last, value) for every data line of a UCD property file; @missing lines come first."""
    missing, data = [], []
    for raw in lines(name):
        if raw.startswith("# @missing:"):
            rng, value = raw[len("# @missing:"):].split(";")[:2]
            missing.append((*parse_range(rng), value.strip()))
            continue
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue
        fields = [f.strip() for f in body.split(";")]
        data.append((*parse_range(fields[0]), fields[1]))
    return missing, data


def unicode_data():
    """Yields (code point, fields) for every assigned code point, expanding <..., First>/<..., Last> ranges."""
    first = None
    for raw in lines("UnicodeData.txt"):
        fields = raw.rstrip("\n").split(";")
        cp = int(fields[0], 16)
        if fields[1].endswith(", First>"):
            first = cp
            continue
        if fields[1].endswith(", Last>"):
            for c in range(first, cp + 1):
                yield c, fields
            continue
        yield cp, fields


def binary_set(predicate_ranges):
    """Builds a sorted list of [start, end) boundaries from inclusive ranges."""
    member = bytearray(MAX)
    for a, b in predicate_ranges:
        for c in range(a, b + 1):
            member[c] = 1
    bounds = []
    inside = 0
    for c in range(MAX):
        if member[c] != inside:
            bounds.append(c)
            inside = member[c]
    if inside:
        bounds.append(MAX)
    return bounds


def runs(values):
    """Compresses a per-code-point list of small ints into (starts, values)."""
    starts, vals = [], []
    prev = None
    for c in range(MAX):
        if values[c] != prev:
            starts.append(c)
            vals.append(values[c])
            prev = values[c]
    return starts, vals


BIDI = ["Other", "L", "R", "AL", "EN", "ES", "ET", "AN", "CS", "NSM", "BN", "ON"]
JOINING = ["U", "L", "R", "D", "T"]
SCRIPTS = ["Other", "Greek", "Hebrew", "Hiragana", "Katakana", "Han"]


def main():
    version = ucd_version()

    missing, data = property_file("extracted/DerivedBidiClass.txt")
    bidi = [BIDI.index("L")] * MAX
    for a, b, v in missing + data:
        # @missing lines use long value names; data lines use the short ones.
        short = {"Left_To_Right": "L", "Right_To_Left": "R", "Arabic_Letter": "AL", "European_Terminator": "ET",
                 "Arabic_Number": "AN", "Boundary_Neutral": "BN"}.get(v, v)
        idx = BIDI.index(short) if short in BIDI else 0
        for c in range(a, b + 1):
            bidi[c] = idx

    missing, data = property_file("extracted/DerivedJoiningType.txt")
    joining = [0] * MAX
    for a, b, v in data:
        idx = JOINING.index(v) if v in JOINING else 0
        for c in range(a, b + 1):
            joining[c] = idx

    _, data = property_file("Scripts.txt")
    script = [0] * MAX
    for a, b, v in data:
        if v in SCRIPTS:
            for c in range(a, b + 1):
                script[c] = SCRIPTS.index(v)

    _, core = property_file("DerivedCoreProperties.txt")
    _, props = property_file("PropList.txt")
    _, hst = property_file("HangulSyllableType.txt")

    def ranges_of(table, name):
        return [(a, b) for a, b, v in table if v == name]

    ignorable = binary_set(ranges_of(core, "Default_Ignorable_Code_Point"))
    noncharacter = binary_set(ranges_of(props, "Noncharacter_Code_Point"))
    cased = binary_set(ranges_of(core, "Cased"))
    case_ignorable = binary_set(ranges_of(core, "Case_Ignorable"))
    old_hangul_jamo = binary_set([(a, b) for a, b, v in hst if v in ("L", "V", "T")])

    virama_ranges = []
    width = []  # (code point, mapped code point) for <wide> and <narrow> decompositions
    combining_class = [0] * MAX  # Canonical_Combining_Class; unlisted code points are 0
    canonical = {}  # canonical decomposition mappings (no <tag>)
    compatibility = {}  # every decomposition mapping, the <tag> dropped
    for cp, f in unicode_data():
        combining_class[cp] = int(f[3])
        if f[5]:
            compatibility[cp] = [int(x, 16) for x in f[5].split() if not x.startswith("<")]
            if not f[5].startswith("<"):
                canonical[cp] = compatibility[cp]
        if f[3] == "9":
            virama_ranges.append((cp, cp))
        decomposition = f[5]
        if decomposition.startswith("<wide>") or decomposition.startswith("<narrow>"):
            targets = decomposition.split()[1:]
            assert len(targets) == 1, (hex(cp), decomposition)
            width.append((cp, int(targets[0], 16)))
    virama = binary_set(virama_ranges)

    # Width map as (first, last, delta) runs of consecutive code points with one delta.
    width_runs = []
    for cp, target in width:
        delta = target - cp
        if width_runs and width_runs[-1][1] == cp - 1 and width_runs[-1][2] == delta:
            width_runs[-1][1] = cp
        else:
            width_runs.append([cp, cp, delta])

    # Unconditional full lowercase mappings (SpecialCasing.txt) that differ from the simple mapping.
    simple_lower = {cp: int(f[13], 16) for cp, f in unicode_data() if f[13]}
    special = []
    for raw in lines("SpecialCasing.txt"):
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue
        fields = [x.strip() for x in body.split(";")]
        if len(fields) > 4 and fields[4]:
            continue  # conditional: language-specific, or Final_Sigma (handled in code)
        cp = int(fields[0], 16)
        lower = [int(x, 16) for x in fields[1].split()]
        if lower != [simple_lower.get(cp, cp)]:
            special.append((cp, lower))

    # Code points whose full canonical decomposition starts with a non-starter (U+0344, U+0F73, ...): the normaliser
    # puts their marks into the run of marks around them, so the reordering of a run has to see them decomposed.
    def full_decomposition(cp):
        if cp not in canonical:
            return [cp]
        return [x for part in canonical[cp] for x in full_decomposition(part)]

    non_starter_decompositions = []
    for cp in sorted(canonical):
        d = full_decomposition(cp)
        if combining_class[d[0]] != 0:
            non_starter_decompositions.append((cp, d))

    # Code points whose full compatibility decomposition (NFKD) starts with a non-starter, the non-starters included:
    # what can open or extend a run of combining marks once IDNA has mapped a domainpart.
    def full_compatibility(cp):
        if cp not in compatibility:
            return [cp]
        return [x for part in compatibility[cp] for x in full_compatibility(part)]

    starts_with_non_starter = binary_set([(cp, cp) for cp in range(MAX) if combining_class[full_compatibility(cp)[0]] != 0])

    bidi_starts, bidi_values = runs(bidi)
    ccc_starts, ccc_values = runs(combining_class)
    join_starts, join_values = runs(joining)
    script_starts, script_values = runs(script)

    out = []
    w = out.append
    w("// <auto-generated>")
    w(f"// Generated by tools/precis-tables/generate.py from the Unicode Character Database {version}")
    w("// (Debian package unicode-data). Do not edit by hand: change the generator and run it again.")
    w("// </auto-generated>")
    w("")
    w("#nullable enable")
    w("")
    w("namespace Mix.Invitations.Jids.Precis;")
    w("")
    w("internal static partial class UnicodeTables")
    w("{")
    w("    /// <summary>The Unicode version these tables were generated from.</summary>")
    w(f"    internal const string Version = \"{version}\";")

    def int_array(name, values, doc):
        w("")
        w(f"    /// <summary>{doc}</summary>")
        w(f"    private static ReadOnlySpan<int> {name} =>")
        w("    [")
        for i in range(0, len(values), 8):
            w("        " + ", ".join((f"0x{v:X}" if v >= 0 else f"-0x{-v:X}") for v in values[i:i + 8]) + ",")
        w("    ];")

    def byte_array(name, values, doc):
        w("")
        w(f"    /// <summary>{doc}</summary>")
        w(f"    private static ReadOnlySpan<byte> {name} =>")
        w("    [")
        for i in range(0, len(values), 32):
            w("        " + ", ".join(str(v) for v in values[i:i + 32]) + ",")
        w("    ];")

    set_doc = "Boundaries of the set: code points from an even-indexed entry up to (not including) the next entry are members."
    int_array("DefaultIgnorableBounds", ignorable, "Default_Ignorable_Code_Point (DerivedCoreProperties.txt). " + set_doc)
    int_array("NoncharacterBounds", noncharacter, "Noncharacter_Code_Point (PropList.txt). " + set_doc)
    int_array("OldHangulJamoBounds", old_hangul_jamo, "Hangul_Syllable_Type L, V or T (HangulSyllableType.txt). " + set_doc)
    int_array("ViramaBounds", virama, "Canonical_Combining_Class = Virama (9) (UnicodeData.txt). " + set_doc)
    int_array("StartsWithNonStarterBounds", starts_with_non_starter, "Code points whose full compatibility decomposition (UnicodeData.txt, applied recursively) starts with a code point of nonzero Canonical_Combining_Class; every such code point itself. " + set_doc)
    int_array("CasedBounds", cased, "Cased (DerivedCoreProperties.txt). " + set_doc)
    int_array("CaseIgnorableBounds", case_ignorable, "Case_Ignorable (DerivedCoreProperties.txt). " + set_doc)
    run_doc = "first code point of each run; the value of the run is at the same index of"
    int_array("BidiClassStarts", bidi_starts, f"Bidi_Class (extracted/DerivedBidiClass.txt, with its @missing defaults): {run_doc} BidiClassValues.")
    byte_array("BidiClassValues", bidi_values, "Values of <see cref=\"BidiClassStarts\"/> as <see cref=\"BidiClass\"/>.")
    int_array("JoiningTypeStarts", join_starts, f"Joining_Type (extracted/DerivedJoiningType.txt): {run_doc} JoiningTypeValues.")
    byte_array("JoiningTypeValues", join_values, "Values of <see cref=\"JoiningTypeStarts\"/> as <see cref=\"JoiningType\"/>.")
    int_array("ScriptStarts", script_starts, f"Script (Scripts.txt), only the scripts RFC 5892 contextual rules name: {run_doc} ScriptValues.")
    byte_array("ScriptValues", script_values, "Values of <see cref=\"ScriptStarts\"/> as <see cref=\"PrecisScript\"/>.")
    int_array("CombiningClassStarts", ccc_starts, f"Canonical_Combining_Class (UnicodeData.txt; 0 where unlisted): {run_doc} CombiningClassValues.")
    byte_array("CombiningClassValues", ccc_values, "Values of <see cref=\"CombiningClassStarts\"/>: the canonical combining class.")
    flat = [x for r in width_runs for x in r]
    int_array("WidthMappingRuns", flat, "Code points whose decomposition is tagged &lt;wide&gt; or &lt;narrow&gt; (UnicodeData.txt), as (first, last, delta to the mapped code point) triples.")
    w("")
    w("    /// <summary>Unconditional full lowercase mappings of SpecialCasing.txt that differ from the simple mapping.</summary>")
    w("    internal static string? SpecialLowercase(int codePoint) => codePoint switch")
    w("    {")
    for cp, lower in special:
        w(f"        0x{cp:04X} => \"" + "".join(f"\\u{x:04X}" if x < 0x10000 else f"\\U{x:08X}" for x in lower) + "\",")
    w("        _ => null,")
    w("    };")
    w("")
    w("    /// <summary>")
    w("    /// Full canonical decompositions (UnicodeData.txt) that start with a non-starter, for the code points that have one.")
    w("    /// </summary>")
    w("    internal static string? NonStarterDecomposition(int codePoint) => codePoint switch")
    w("    {")
    for cp, d in non_starter_decompositions:
        w(f"        0x{cp:04X} => \"" + "".join(f"\\u{x:04X}" if x < 0x10000 else f"\\U{x:08X}" for x in d) + "\",")
    w("        _ => null,")
    w("    };")
    w("}")
    w("")
    w("/// <summary>The Bidi_Class values RFC 5893 distinguishes; every other class is <see cref=\"Other\"/>.</summary>")
    w("internal enum BidiClass : byte")
    w("{")
    w(",\n".join(f"    {n} = {i}" for i, n in enumerate(BIDI)) + ",")
    w("}")
    w("")
    w("/// <summary>The Joining_Type values RFC 5892 Appendix A.1 uses; Join_Causing and Non_Joining are <see cref=\"U\"/>.</summary>")
    w("internal enum JoiningType : byte")
    w("{")
    w(",\n".join(f"    {n} = {i}" for i, n in enumerate(JOINING)) + ",")
    w("}")
    w("")
    w("/// <summary>The scripts RFC 5892 Appendix A names; every other script is <see cref=\"Other\"/>.</summary>")
    w("internal enum PrecisScript : byte")
    w("{")
    w(",\n".join(f"    {n} = {i}" for i, n in enumerate(SCRIPTS)) + ",")
    w("}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
