package dev.mcpaudit.schema.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mcpaudit.schema.compare.SequenceAlignment.Step;
import dev.mcpaudit.schema.compare.SequenceAlignment.Step.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleBiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SequenceAlignmentTest {
    /** A recorded call as a diff sees it: the tool and its command line. */
    record Call(String tool, String command) {
        String key() {
            return tool + " " + command;
        }
    }

    /** Dice coefficient over the words of the command: what the real diff uses is tested elsewhere. */
    private static final ToDoubleBiFunction<Call, Call> WORDS = (x, y) -> {
        Set<String> a = new HashSet<>(Arrays.asList(x.command().split(" ")));
        Set<String> b = new HashSet<>(Arrays.asList(y.command().split(" ")));
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        return 2.0 * common.size() / (a.size() + b.size());
    };

    private static List<Step<Call>> align(List<Call> a, List<Call> b) {
        return SequenceAlignment.align(a, b, Call::key, WORDS, (x, y) -> x.tool().equals(y.tool()));
    }

    private static Call aws(String command) {
        return new Call("aws___call_aws", command);
    }

    /** One line per step, as a person would read the diff: "= 0 0", "≠ 1 1", "- 2", "+ 3". */
    private static List<String> lines(List<Step<Call>> steps) {
        return steps.stream().map(s -> switch (s.kind()) {
            case SAME -> "= " + s.aIndex() + " " + s.bIndex();
            case CHANGED -> "~ " + s.aIndex() + " " + s.bIndex();
            case REMOVED -> "- " + s.aIndex();
            case ADDED -> "+ " + s.bIndex();
        }).toList();
    }

    @Test
    void sameCallWithOtherArgumentsIsOneChangeNotARemovalAndAnAddition() {
        List<Call> a = List.of(aws("sts get-caller-identity"),
                aws("ec2 describe-instances --region eu-west-1 --instance-ids i-0aaa"),
                aws("s3 ls"));
        List<Call> b = List.of(aws("sts get-caller-identity"),
                aws("ec2 describe-instances --region eu-west-1 --instance-ids i-0bbb"),
                aws("s3 ls"));

        List<Step<Call>> steps = align(a, b);

        assertThat(lines(steps)).containsExactly("= 0 0", "~ 1 1", "= 2 2");
        assertThat(steps.get(1).a()).isEqualTo(a.get(1));
        assertThat(steps.get(1).b()).isEqualTo(b.get(1));
    }

    @Test
    void anotherToolIsNeverPairedEvenWithTheSameArguments() {
        List<Call> a = List.of(aws("s3 ls"), aws("iam list-roles"));
        List<Call> b = List.of(aws("s3 ls"), new Call("aws___run_script", "iam list-roles"));

        assertThat(lines(align(a, b))).containsExactly("= 0 0", "- 1", "+ 1");
    }

    @Test
    void unrelatedCallsOfTheSameToolAreRemovedAndAddedBelowHalfSimilarity() {
        List<Call> a = List.of(aws("s3 ls"), aws("iam list-roles --max-items 5"));
        List<Call> b = List.of(aws("s3 ls"), aws("ec2 describe-vpcs"));

        assertThat(lines(align(a, b))).containsExactly("= 0 0", "- 1", "+ 1");
    }

    @Test
    void removalsAndAdditionsAppearWhereTheyHappenedReadingTopToBottom() {
        List<Call> a = List.of(aws("sts get-caller-identity"), aws("s3 ls s3://stg-artifacts"), aws("lambda list-functions"),
                aws("ec2 describe-vpcs"));
        List<Call> b = List.of(aws("sts get-caller-identity"), aws("lambda list-functions"),
                aws("iam attach-role-policy --role-name r"), aws("ec2 describe-vpcs"));

        assertThat(lines(align(a, b))).containsExactly("= 0 0", "- 1", "= 2 1", "+ 2", "= 3 3");
    }

    @Test
    void aChangeAfterAnAdditionInTheSameStretchIsStillFoundAsAChange() {
        List<Call> a = List.of(aws("s3 ls"), aws("ec2 describe-instances --instance-ids i-1"), aws("sts get-caller-identity"));
        List<Call> b = List.of(aws("s3 ls"), aws("iam list-users"), aws("ec2 describe-instances --instance-ids i-2"),
                aws("sts get-caller-identity"));

        assertThat(lines(align(a, b))).containsExactly("= 0 0", "+ 1", "~ 1 2", "= 2 3");
    }

    @Test
    void theMostSimilarCandidateWinsAndTheEarlierOneOnATie() {
        Call recorded = aws("ec2 describe-instances --region eu-west-1 --instance-ids i-1");
        List<Call> closerSecond = List.of(aws("ec2 describe-instances --region us-east-1 --instance-ids i-9"),
                aws("ec2 describe-instances --region eu-west-1 --instance-ids i-2"));
        assertThat(lines(align(List.of(recorded), closerSecond))).containsExactly("+ 0", "~ 0 1");

        List<Call> tie = List.of(aws("ec2 describe-instances --region eu-west-1 --instance-ids i-2"),
                aws("ec2 describe-instances --region eu-west-1 --instance-ids i-3"));
        assertThat(lines(align(List.of(recorded), tie))).containsExactly("~ 0 0", "+ 1");
    }

    @Test
    void repeatedIdenticalCallsMatchInOrder() {
        List<Call> a = List.of(aws("s3 ls"), aws("s3 ls"), aws("s3 ls"));
        List<Call> b = List.of(aws("s3 ls"), aws("s3 ls"));

        List<String> lines = lines(align(a, b));
        assertThat(lines).hasSize(3).filteredOn(l -> l.startsWith("=")).hasSize(2);
        assertThat(lines).filteredOn(l -> l.startsWith("-")).hasSize(1);
    }

    @Test
    void emptySides() {
        assertThat(lines(align(List.of(), List.of(aws("s3 ls"))))).containsExactly("+ 0");
        assertThat(lines(align(List.of(aws("s3 ls")), List.of()))).containsExactly("- 0");
        assertThat(align(List.of(), List.of())).isEmpty();
    }

    /** The matched pairs are as many as a textbook LCS table finds, on many random sequences. */
    @Test
    void matchesAsManyAsTheTextbookLongestCommonSubsequence() {
        Random random = new Random(15);
        for (int round = 0; round < 2_100; round++) {
            int size = round < 2_000 ? 25 : 400; // short ones for corner cases, long ones for deep bisection
            List<Call> a = randomCalls(random, random.nextInt(size), 1 + random.nextInt(6));
            List<Call> b = randomCalls(random, random.nextInt(size), 1 + random.nextInt(6));

            List<Step<Call>> steps = SequenceAlignment.align(a, b, Call::key, (x, y) -> 0, (x, y) -> false);

            long same = steps.stream().filter(s -> s.kind() == Kind.SAME).count();
            assertThat(same).as("round %d: %s vs %s", round, a, b).isEqualTo(textbookLcsLength(a, b));
            assertEveryItemOnceInReadingOrder(steps, a.size(), b.size());
            steps.stream().filter(s -> s.kind() == Kind.SAME).forEach(s -> assertThat(s.a()).isEqualTo(s.b()));
        }
    }

    @Test
    void tenThousandCallsWithTwentyDifferencesAlignWellUnderASecond() {
        List<Call> a = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            a.add(aws("ec2 describe-instances --instance-ids i-" + i));
        }
        List<Call> b = new ArrayList<>(a);
        for (int d = 0; d < 20; d++) {
            int at = 250 + d * 480;
            switch (d % 3) {
                case 0 -> b.set(at, aws("ec2 describe-instances --instance-ids i-changed-" + d));
                case 1 -> b.remove(at);
                default -> b.add(at, aws("iam list-roles --page " + d));
            }
        }
        AtomicLong similarityCalls = new AtomicLong();
        ToDoubleBiFunction<Call, Call> counted = (x, y) -> {
            similarityCalls.incrementAndGet();
            return WORDS.applyAsDouble(x, y);
        };

        long started = System.nanoTime();
        List<Step<Call>> steps = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> SequenceAlignment.align(
                a, b, Call::key, counted, (x, y) -> x.tool().equals(y.tool())));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("10,000 x 10,000 calls, 20 differences: aligned in " + millis + " ms");

        assertThat(steps.stream().collect(Collectors.groupingBy(Step::kind, Collectors.counting())))
                .containsEntry(Kind.CHANGED, 7L).containsEntry(Kind.REMOVED, 7L).containsEntry(Kind.ADDED, 6L)
                .containsEntry(Kind.SAME, 10_000L - 14);
        assertThat(similarityCalls.get()).as("only the leftovers are compared, not everything with everything")
                .isLessThan(100);
        assertEveryItemOnceInReadingOrder(steps, a.size(), b.size());
    }

    @Test
    void twoLongSessionsWithNothingInCommonArePairedInOrderWithoutComparingEverythingWithEverything() {
        List<Call> a = new ArrayList<>();
        List<Call> b = new ArrayList<>();
        for (int i = 0; i < 600; i++) { // 600 × 600 leftovers: past the exact table, so paired greedily
            a.add(aws("ec2 describe-instances --instance-ids i-a" + i));
            b.add(aws("ec2 describe-instances --instance-ids i-b" + i));
        }
        b.add(300, new Call("aws___run_script", "print(1)"));
        AtomicLong similarityCalls = new AtomicLong();

        List<Step<Call>> steps = SequenceAlignment.align(a, b, Call::key, (x, y) -> {
            similarityCalls.incrementAndGet();
            return WORDS.applyAsDouble(x, y);
        }, (x, y) -> x.tool().equals(y.tool()));

        assertThat(steps).filteredOn(s -> s.kind() == Kind.CHANGED).hasSize(600)
                .allSatisfy(s -> assertThat(s.b().command()).endsWith("i-b" + s.aIndex()));
        assertThat(lines(steps)).contains("+ 300");
        assertThat(similarityCalls.get()).isLessThan(600L * 600 / 4);
        assertEveryItemOnceInReadingOrder(steps, a.size(), b.size());
    }

    private static List<Call> randomCalls(Random random, int size, int alphabet) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            calls.add(aws("op-" + random.nextInt(alphabet)));
        }
        return calls;
    }

    private static int textbookLcsLength(List<Call> a, List<Call> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                t[i][j] = a.get(i - 1).equals(b.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t[a.size()][b.size()];
    }

    private static void assertEveryItemOnceInReadingOrder(List<Step<Call>> steps, int aSize, int bSize) {
        int nextA = 0;
        int nextB = 0;
        for (Step<Call> s : steps) {
            if (s.aIndex() >= 0) {
                assertThat(s.aIndex()).isEqualTo(nextA++);
            }
            if (s.bIndex() >= 0) {
                assertThat(s.bIndex()).isEqualTo(nextB++);
            }
        }
        assertThat(nextA).isEqualTo(aSize);
        assertThat(nextB).isEqualTo(bSize);
    }
}
