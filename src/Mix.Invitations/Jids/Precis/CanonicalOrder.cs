using System.Buffers;
using System.Text;

namespace Mix.Invitations.Jids.Precis;

/// <summary>
/// Puts every run of combining marks in canonical order (Unicode §3.11, the Canonical Ordering Algorithm) before text
/// reaches the platform's normaliser.
/// </summary>
/// <remarks>
/// <para>
/// On Linux, <see cref="string.Normalize(NormalizationForm)"/> and <see cref="System.Globalization.IdnMapping"/> are
/// ICU's, whose reordering buffer sorts each run of non-starters by insertion: marks of classes 230 and 220 in
/// alternation cost it a step for every pair out of order, n²/8 for a run of n (a 16 000-mark run took 30 ms, and a
/// 16 KiB input reached it). A run already in order costs one comparison per mark. Reordering non-starters of different
/// classes is a canonical equivalence, so every normalisation form of the result is that of the input: this only
/// changes how much work the normaliser has to do.
/// </para>
/// <para>
/// The combining classes are the generated tables' (<see cref="UnicodeTables.Version"/>). Classes never change once
/// assigned, so the reordering is right whatever the platform's Unicode version; a mark assigned after the tables'
/// version is taken for a starter and left where it is (so a platform with a newer Unicode could still sort a run of
/// such marks by insertion: regenerate the tables when the platform's Unicode moves on).
/// </para>
/// </remarks>
internal static class CanonicalOrder
{
    /// <summary>Runs up to this long are sorted by insertion; longer ones by counting, in linear time.</summary>
    private const int InsertionSortLimit = 8;

    /// <summary>
    /// Returns <paramref name="text"/> with each run of non-starters stably sorted by combining class and the few code
    /// points whose decomposition starts with a non-starter decomposed; <paramref name="text"/> itself when nothing
    /// needed either (the usual case, checked without allocating).
    /// </summary>
    internal static string Sort(string text)
    {
        if (IsOrdered(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        var run = new Run();
        try
        {
            for (var i = 0; i < text.Length;)
            {
                if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done)
                {
                    // An unpaired surrogate (the callers refuse them before) is kept as it is, as a starter.
                    run.Flush(builder);
                    builder.Append(text[i]);
                    i++;
                    continue;
                }

                i += consumed;
                if (UnicodeTables.NonStarterDecomposition(rune.Value) is { } decomposition)
                {
                    foreach (var part in decomposition.EnumerateRunes())
                    {
                        run.Add(builder, part.Value);
                    }
                }
                else
                {
                    run.Add(builder, rune.Value);
                }
            }

            run.Flush(builder);
            return builder.ToString();
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>Returns <see langword="true"/> when no run of non-starters is out of order and nothing needs decomposing.</summary>
    private static bool IsOrdered(string text)
    {
        var previous = 0;
        for (var i = 0; i < text.Length; i++)
        {
            int codePoint = text[i];
            if (codePoint < 0x300)
            {
                previous = 0;
                continue;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }

            if (codePoint is (>= 0x340 and <= 0x344) or 0xF73 or 0xF75 or 0xF81 && UnicodeTables.NonStarterDecomposition(codePoint) is not null)
            {
                return false;
            }

            var combiningClass = UnicodeTables.GetCombiningClass(codePoint);
            if (combiningClass != 0 && previous > combiningClass)
            {
                return false;
            }

            previous = combiningClass;
        }

        return true;
    }

    /// <summary>
    /// The run of non-starters being collected, in buffers from the shared pool (a run can be as long as the text, and
    /// fresh arrays of that size would land on the large object heap, whose cost grows faster than the text).
    /// </summary>
    private struct Run : IDisposable
    {
        private int[] _codePoints;
        private byte[] _classes;
        private int _count;

        public Run()
        {
            _codePoints = ArrayPool<int>.Shared.Rent(16);
            _classes = ArrayPool<byte>.Shared.Rent(16);
        }

        public void Add(StringBuilder builder, int codePoint)
        {
            var combiningClass = UnicodeTables.GetCombiningClass(codePoint);
            if (combiningClass == 0)
            {
                Flush(builder);
                AppendCodePoint(builder, codePoint);
                return;
            }

            if (_count == _codePoints.Length || _count == _classes.Length)
            {
                Grow();
            }

            _codePoints[_count] = codePoint;
            _classes[_count] = (byte)combiningClass;
            _count++;
        }

        public void Flush(StringBuilder builder)
        {
            if (_count == 0)
            {
                return;
            }

            var codePoints = _codePoints.AsSpan(0, _count);
            var classes = _classes.AsSpan(0, _count);
            if (_count <= InsertionSortLimit)
            {
                for (var i = 1; i < codePoints.Length; i++)
                {
                    var (codePoint, combiningClass) = (codePoints[i], classes[i]);
                    var j = i - 1;
                    while (j >= 0 && classes[j] > combiningClass)
                    {
                        codePoints[j + 1] = codePoints[j];
                        classes[j + 1] = classes[j];
                        j--;
                    }

                    codePoints[j + 1] = codePoint;
                    classes[j + 1] = combiningClass;
                }

                foreach (var codePoint in codePoints)
                {
                    AppendCodePoint(builder, codePoint);
                }
            }
            else
            {
                // Counting sort on the class (0-255): stable, and linear in the run whatever its order.
                Span<int> starts = stackalloc int[257];
                starts.Clear();
                foreach (var combiningClass in classes)
                {
                    starts[combiningClass + 1]++;
                }

                for (var c = 1; c < starts.Length; c++)
                {
                    starts[c] += starts[c - 1];
                }

                var sorted = ArrayPool<int>.Shared.Rent(_count);
                for (var i = 0; i < codePoints.Length; i++)
                {
                    sorted[starts[classes[i]]++] = codePoints[i];
                }

                foreach (var codePoint in sorted.AsSpan(0, _count))
                {
                    AppendCodePoint(builder, codePoint);
                }

                ArrayPool<int>.Shared.Return(sorted);
            }

            _count = 0;
        }

        public readonly void Dispose()
        {
            ArrayPool<int>.Shared.Return(_codePoints);
            ArrayPool<byte>.Shared.Return(_classes);
        }

        private void Grow()
        {
            var codePoints = ArrayPool<int>.Shared.Rent(_count * 2);
            var classes = ArrayPool<byte>.Shared.Rent(_count * 2);
            _codePoints.AsSpan(0, _count).CopyTo(codePoints);
            _classes.AsSpan(0, _count).CopyTo(classes);
            ArrayPool<int>.Shared.Return(_codePoints);
            ArrayPool<byte>.Shared.Return(_classes);
            _codePoints = codePoints;
            _classes = classes;
        }
    }

    private static void AppendCodePoint(StringBuilder builder, int codePoint)
    {
        if (codePoint < 0x10000)
        {
            builder.Append((char)codePoint);
        }
        else
        {
            var rune = new Rune(codePoint);
            Span<char> pair = stackalloc char[2];
            builder.Append(pair[..rune.EncodeToUtf16(pair)]);
        }
    }
}
