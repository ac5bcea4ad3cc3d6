package dev.backfill.engine;

import java.time.Duration;

import dev.backfill.BackfillThrottle.Foreground;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The arithmetic of the readings: intervals with a batch count as busy, the rest as idle,
 * the batch's own transaction ids left out, older time counting half every 10 s.
 */
class ForegroundMeterTest {

	private static final long MS = 1_000_000;

	@Test
	void splitsTheReadingsIntoBatchesAndRests() {
		ForegroundMeter meter = new ForegroundMeter();
		meter.read(1_000, 0);
		// 100 ms rest: 100 writes, 1,000/s
		meter.read(1_100, 100 * MS);
		// a 100 ms batch: 52 ids, 2 of them the batch's own, 500/s
		meter.batchRan();
		meter.read(1_152, 200 * MS);
		Foreground now = meter.foreground(250 * MS);
		assertThat(now.idleRate()).isCloseTo(1_000, within(10.0));
		assertThat(now.busyRate()).isCloseTo(500, within(5.0));
		assertThat(now.slowdown()).isCloseTo(0.5, within(0.01));
		assertThat(now.lastBatch()).isEqualTo(Duration.ofMillis(100));
		assertThat(now.sinceLastBatch()).isEqualTo(Duration.ofMillis(50));
		assertThat(now.idleSeconds()).isCloseTo(0.1, within(0.001));
	}

	@Test
	void olderTimeCountsHalfEveryTenSeconds() {
		ForegroundMeter meter = new ForegroundMeter();
		meter.read(0, 0);
		meter.read(1_000, 1_000 * MS);
		meter.batchRan();
		meter.read(1_002, 11_000 * MS);
		Foreground now = meter.foreground(11_000 * MS);
		// the rest's second, 10 s old, counts half; the batch's 10 s are added whole
		assertThat(now.idleSeconds()).isCloseTo(0.5, within(0.001));
		assertThat(now.busySeconds()).isCloseTo(10, within(0.001));
		assertThat(now.busyRate()).isZero();
		assertThat(Foreground.UNKNOWN.slowdown()).isZero();
	}

}
