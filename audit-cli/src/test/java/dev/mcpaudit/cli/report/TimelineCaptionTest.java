package dev.mcpaudit.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpaudit.cli.report.Report.Counts;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The timeline's unit, caption and ticks for spans from minutes to months. */
class TimelineCaptionTest {

    private static Report.Timeline timeline(String first, String last) {
        String unit = ReportBuilder.timelineUnit(first, last);
        TreeMap<String, Counts> periods = new TreeMap<>();
        int cut = unit.equals("minute") ? 16 : 13;
        periods.put(first.substring(0, cut), Counts.of("ok", false, 1));
        periods.put(last.substring(0, cut), Counts.of("ok", false, 1));
        return ReportBuilder.timeline(periods, unit);
    }

    @Test
    void anHourIsCaptionedByItsClockTimesAndDay() {
        Report.Timeline t = timeline("2026-12-05T14:00:10.000Z", "2026-12-05T14:59:30.000Z");

        assertThat(t.unit()).isEqualTo("minute");
        assertThat(t.buckets()).hasSize(60);
        assertThat(ReportText.timelineSpan(t)).isEqualTo("from 14:00 to 15:00 UTC on 2026-12-05");
        assertThat(ReportHtml.tickStep("minute", 60)).isEqualTo(5);
    }

    @Test
    void theLastHourOfADayEndsAt2400NotAt2300() {
        Report.Timeline t = timeline("2026-12-05T23:00:00.000Z", "2026-12-05T23:59:00.000Z");

        assertThat(ReportText.timelineSpan(t)).isEqualTo("from 23:00 to 24:00 UTC on 2026-12-05");
    }

    @Test
    void spansAcrossMidnightNameBothDays() {
        Report.Timeline t = timeline("2026-12-05T20:00:00.000Z", "2026-12-06T09:10:00.000Z");

        assertThat(t.unit()).isEqualTo("hour");
        assertThat(ReportText.timelineSpan(t)).isEqualTo("from 2026-12-05 20:00 to 2026-12-06 10:00 UTC");
        assertThat(ReportHtml.axisLabel("2026-12-06T00:00:00.000Z", "hour")).isEqualTo("12-06 00:00");
        assertThat(ReportHtml.axisLabel("2026-12-06T03:00:00.000Z", "hour")).isEqualTo("03:00");
    }

    @Test
    void aMonthIsCaptionedByItsDaysAndAYearByWeeks() {
        Report.Timeline month = timeline("2026-11-01T09:00:00.000Z", "2026-11-30T18:00:00.000Z");
        Report.Timeline year = timeline("2026-01-05T09:00:00.000Z", "2026-12-30T18:00:00.000Z");

        assertThat(month.unit()).isEqualTo("day");
        assertThat(ReportText.timelineSpan(month)).isEqualTo("from 2026-11-01 to 2026-11-30 (UTC), days");
        assertThat(ReportHtml.tickStep("day", 30)).isEqualTo(3);
        assertThat(year.unit()).isEqualTo("week");
        // the last week shown runs from Monday 2026-12-28 to Sunday 2027-01-03
        assertThat(ReportText.timelineSpan(year)).isEqualTo("from 2026-01-05 to 2027-01-03 (UTC), weeks starting Monday");
    }
}
