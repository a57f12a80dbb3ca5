package dev.mcpaudit.schema.query;

import java.util.Comparator;

/**
 * A value as SQLite's {@code json_extract} gives it from a stored payload: a JSON string, object or
 * array is TEXT (objects and arrays as their JSON text), a number or boolean a NUMBER ({@code true} is
 * 1); JSON null and a missing member are SQL NULL, which is a null reference here. Queries that
 * compute in Java what SQL computed before compare and order these as SQLite does.
 */
record SqlValue(String text, boolean number) {
    /** SQLite's order with the BINARY collation: NULL, then numbers by value, then text by UTF-8 bytes. */
    static final Comparator<SqlValue> ORDER = Comparator.nullsFirst((a, b) -> {
        if (a.number != b.number) {
            return a.number ? -1 : 1;
        }
        return a.number ? Double.compare(Double.parseDouble(a.text), Double.parseDouble(b.text))
                : compareUtf8(a.text, b.text);
    });

    static SqlValue text(String text) {
        return text == null ? null : new SqlValue(text, false);
    }

    /** True when this is a TEXT equal to {@code s} ({@code value = 'text'}). */
    boolean isText(String s) {
        return !number && text.equals(s);
    }

    /**
     * Strings in the order of their UTF-8 bytes, which is code point order (String.compareTo orders
     * UTF-16 units, which puts U+E000..U+FFFF after supplementary characters).
     */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
