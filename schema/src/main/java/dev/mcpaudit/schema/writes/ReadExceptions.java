package dev.mcpaudit.schema.writes;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The committed exceptions to the verb rule of {@link WriteRules}: operations whose name does not say
 * what they do. Each entry names the operation, the rule in words (shown in verdicts and the README)
 * and decides, for one command, whether it only reads. Every entry is tested (ReadExceptionsTest).
 */
public final class ReadExceptions {

    /** One exception: {@code service operation}, its rule in words, and the test for "only reads". */
    public record Entry(String service, String operation, String rule, Predicate<AwsOperation> isRead) {}

    /** SQL statements that start with these words only read (comments and case aside). */
    private static final List<String> READING_SQL = List.of("select", "with", "show", "describe", "explain", "values");

    public static final List<Entry> TABLE = List.of(
            new Entry("s3", "ls", "lists buckets or objects", op -> true),
            new Entry("s3", "presign", "signs a URL on this machine; calls nothing", op -> true),
            new Entry("s3", "cp", "a read only from a bucket to this machine; to or between buckets a write",
                    ReadExceptions::copiesFromBucketToLocal),
            new Entry("s3", "sync", "writes to its destination (a bucket, or files here that a later command"
                    + " may upload)", op -> false),
            new Entry("s3", "mv", "deletes its source", op -> false),
            new Entry("s3", "rm", "deletes objects", op -> false),
            new Entry("sts", "assume-role", "returns temporary credentials; changes no resource", op -> true),
            new Entry("sts", "assume-role-with-saml", "returns temporary credentials; changes no resource",
                    op -> true),
            new Entry("sts", "assume-role-with-web-identity", "returns temporary credentials; changes no resource",
                    op -> true),
            new Entry("sts", "decode-authorization-message", "decodes a message; changes nothing", op -> true),
            new Entry("logs", "start-query", "runs a Logs Insights query; changes no resource", op -> true),
            new Entry("logs", "stop-query", "stops a Logs Insights query; changes no resource", op -> true),
            new Entry("logs", "start-live-tail", "streams log events", op -> true),
            new Entry("athena", "start-query-execution", "a read only when --query-string is SELECT, WITH, SHOW,"
                    + " DESCRIBE, EXPLAIN or VALUES; DDL, INSERT, UNLOAD, CTAS are writes",
                    op -> readsBySql(op.option("--query-string"))),
            new Entry("dynamodb", "execute-statement", "a read only when --statement is a SELECT",
                    op -> readsBySql(op.option("--statement"))));

    private ReadExceptions() {}

    /** The entry for this operation, if it is an exception. */
    public static Optional<Entry> find(AwsOperation op) {
        String operation = op.operation().toLowerCase(Locale.ROOT);
        return TABLE.stream().filter(e -> e.service().equals(op.service()) && e.operation().equals(operation))
                .findFirst();
    }

    /**
     * {@code s3 cp SOURCE DEST}: a read when the only bucket (s3:// URI or access-point ARN) named is the
     * first operand, so the destination is a local file or stdout. Option values are not told from
     * operands, so any second bucket anywhere makes it a write.
     */
    private static boolean copiesFromBucketToLocal(AwsOperation op) {
        List<String> operands = op.words().stream().filter(w -> !w.startsWith("-")).toList();
        long buckets = op.words().stream().filter(ReadExceptions::namesBucket).count();
        return !operands.isEmpty() && namesBucket(operands.get(0)) && buckets == 1;
    }

    private static boolean namesBucket(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return w.startsWith("s3://") || w.startsWith("arn:");
    }

    private static boolean readsBySql(Optional<String> sql) {
        if (sql.isEmpty()) {
            return false;
        }
        String text = sql.get().replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)--.*$", " ").strip()
                .toLowerCase(Locale.ROOT);
        while (text.startsWith("(")) {
            text = text.substring(1).strip();
        }
        String first = text.split("[\\s(]", 2)[0];
        return READING_SQL.contains(first);
    }
}
