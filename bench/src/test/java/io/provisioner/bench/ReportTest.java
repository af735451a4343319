package io.provisioner.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void percentilesAreNearestRank() {
        List<Double> values = List.of(5.0, 1.0, 3.0, 2.0, 4.0);

        assertThat(Report.percentile(values, 50)).isEqualTo(3.0);
        assertThat(Report.percentile(values, 99)).isEqualTo(5.0);
        assertThat(Report.percentile(List.of(), 99)).isNaN();
    }

    @Test
    void tablesAreMarkdownWithReadableNumbers() {
        Report report = new Report();
        report.table(List.of("rate/s", "p99 ms"), List.of(List.of(1500, 12.345), List.of(3000, 1234.0), List.of(1, Double.NaN)));

        assertThat(report.markdown()).isEqualTo("""
                | rate/s | p99 ms |
                |---|---|
                | 1,500 | 12.3 |
                | 3,000 | 1,234 |
                | 1 | – |

                """);
    }

    @Test
    void cpuTimeIsUserPlusSystemTicksOfProcStat() {
        String stat = "4242 (java (local)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 40 0 100 0 0";

        assertThat(LocalRun.cpuSecondsOf(stat)).isEqualTo(3.0);
    }
}
