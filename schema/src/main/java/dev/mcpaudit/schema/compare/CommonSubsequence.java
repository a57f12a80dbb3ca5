package dev.mcpaudit.schema.compare;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A longest common subsequence of two token sequences, in O((N+M)·D) time and O(N+M) memory, where D
 * is the number of differences: Myers' bisection of the edit graph ("An O(ND) Difference Algorithm",
 * 1986, §4b), as diff-match-patch writes it. A table of N·M cells would need 10^8 cells for two
 * 10,000-call sessions; sessions that differ little are the common case and cost almost nothing here.
 * Written here because the schema module takes no dependency beyond Jackson and the RFC 8785 library.
 */
final class CommonSubsequence {
    private final int[] a;
    private final int[] b;
    private final int[] partner;

    private CommonSubsequence(int[] a, int[] b) {
        this.a = a;
        this.b = b;
        this.partner = new int[a.length];
        Arrays.fill(partner, -1);
    }

    /**
     * For each index of {@code a}, the index in {@code b} it is matched with, or -1. Matched pairs
     * increase in both sequences. Tokens are small non-negative ints (interned keys).
     */
    static int[] partners(int[] a, int[] b) {
        // A token found on one side only can never be matched; dropping those first (as GNU diff does)
        // makes two wholly different sessions as cheap as two equal ones.
        int maxToken = 0;
        for (int t : a) {
            maxToken = Math.max(maxToken, t);
        }
        for (int t : b) {
            maxToken = Math.max(maxToken, t);
        }
        boolean[] inA = new boolean[maxToken + 1];
        boolean[] inB = new boolean[maxToken + 1];
        for (int t : a) {
            inA[t] = true;
        }
        for (int t : b) {
            inB[t] = true;
        }
        int[] keptA = indexesWhere(a, inB);
        int[] keptB = indexesWhere(b, inA);

        CommonSubsequence lcs = new CommonSubsequence(select(a, keptA), select(b, keptB));
        lcs.diff(0, keptA.length, 0, keptB.length);

        int[] result = new int[a.length];
        Arrays.fill(result, -1);
        for (int i = 0; i < keptA.length; i++) {
            if (lcs.partner[i] >= 0) {
                result[keptA[i]] = keptB[lcs.partner[i]];
            }
        }
        return result;
    }

    private static int[] indexesWhere(int[] tokens, boolean[] present) {
        return IntStream.range(0, tokens.length).filter(i -> present[tokens[i]]).toArray();
    }

    private static int[] select(int[] tokens, int[] indexes) {
        int[] out = new int[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            out[i] = tokens[indexes[i]];
        }
        return out;
    }

    private void diff(int aLo, int aHi, int bLo, int bHi) {
        while (aLo < aHi && bLo < bHi && a[aLo] == b[bLo]) {
            partner[aLo++] = bLo++;
        }
        while (aLo < aHi && bLo < bHi && a[aHi - 1] == b[bHi - 1]) {
            partner[--aHi] = --bHi;
        }
        if (aLo == aHi || bLo == bHi) {
            return;
        }
        // One element left on a side: after the stripping above it can only match strictly inside.
        if (aHi - aLo == 1) {
            for (int j = bLo; j < bHi; j++) {
                if (b[j] == a[aLo]) {
                    partner[aLo] = j;
                    return;
                }
            }
            return;
        }
        if (bHi - bLo == 1) {
            for (int i = aLo; i < aHi; i++) {
                if (a[i] == b[bLo]) {
                    partner[i] = bLo;
                    return;
                }
            }
            return;
        }
        bisect(aLo, aHi, bLo, bHi);
    }

    /** Finds the middle snake of the shortest edit path and solves the two halves around it. */
    private void bisect(int aLo, int aHi, int bLo, int bHi) {
        int n = aHi - aLo;
        int m = bHi - bLo;
        int maxD = (n + m + 1) / 2;
        int offset = maxD;
        int length = 2 * maxD;
        int[] forward = new int[length];
        int[] reverse = new int[length];
        Arrays.fill(forward, -1);
        Arrays.fill(reverse, -1);
        forward[offset + 1] = 0;
        reverse[offset + 1] = 0;
        int delta = n - m;
        boolean checkOnForward = (delta % 2 != 0); // the paths can only meet on a diagonal of the right parity
        int k1start = 0;
        int k1end = 0;
        int k2start = 0;
        int k2end = 0;
        for (int d = 0; d < maxD; d++) {
            for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
                int k1Offset = offset + k1;
                int x1 = (k1 == -d || (k1 != d && forward[k1Offset - 1] < forward[k1Offset + 1]))
                        ? forward[k1Offset + 1]
                        : forward[k1Offset - 1] + 1;
                int y1 = x1 - k1;
                while (x1 < n && y1 < m && a[aLo + x1] == b[bLo + y1]) {
                    x1++;
                    y1++;
                }
                forward[k1Offset] = x1;
                if (x1 > n) {
                    k1end += 2; // ran off the right of the graph
                } else if (y1 > m) {
                    k1start += 2; // ran off the bottom
                } else if (checkOnForward) {
                    int k2Offset = offset + delta - k1;
                    if (k2Offset >= 0 && k2Offset < length && reverse[k2Offset] != -1 && x1 >= n - reverse[k2Offset]) {
                        split(aLo, aHi, bLo, bHi, x1, y1);
                        return;
                    }
                }
            }
            for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
                int k2Offset = offset + k2;
                int x2 = (k2 == -d || (k2 != d && reverse[k2Offset - 1] < reverse[k2Offset + 1]))
                        ? reverse[k2Offset + 1]
                        : reverse[k2Offset - 1] + 1;
                int y2 = x2 - k2;
                while (x2 < n && y2 < m && a[aHi - 1 - x2] == b[bHi - 1 - y2]) {
                    x2++;
                    y2++;
                }
                reverse[k2Offset] = x2;
                if (x2 > n) {
                    k2end += 2;
                } else if (y2 > m) {
                    k2start += 2;
                } else if (!checkOnForward) {
                    int k1Offset = offset + delta - k2;
                    if (k1Offset >= 0 && k1Offset < length && forward[k1Offset] != -1) {
                        int x1 = forward[k1Offset];
                        int y1 = offset + x1 - k1Offset;
                        if (x1 >= n - x2) {
                            split(aLo, aHi, bLo, bHi, x1, y1);
                            return;
                        }
                    }
                }
            }
        }
        // No common element at all in this range: nothing to match.
    }

    private void split(int aLo, int aHi, int bLo, int bHi, int x, int y) {
        diff(aLo, aLo + x, bLo, bLo + y);
        diff(aLo + x, aHi, bLo + y, bHi);
    }
}
