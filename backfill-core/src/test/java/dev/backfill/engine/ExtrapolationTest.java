package dev.backfill.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.backfill.BatchSizing;
import dev.backfill.Estimate;
import dev.backfill.KeyRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The arithmetic from samples to a run, on samples made up here and figures worked out by
 * hand: batches of the samples' size or of the size an adaptive run settles at, a trimmed
 * mean and percentiles, the longest lock, WAL and rows per batch, and what they warn of.
 */
class ExtrapolationTest {

	private static final BatchSizing FIXED = new BatchSizing(Duration.ZERO, 100, 10_000);

	private static long next;

	/**
	 * A sample of {@code keys} keys whose statement took {@code work} of its
	 * {@code millis}.
	 */
	private static Extrapolation.Timed sample(long keys, long rows, double millis, double transactionMillis,
			long walBytes, double work) {
		next += keys;
		KeyRange range = new KeyRange(next - keys, next);
		return new Extrapolation.Timed(new Estimate.Sample(range, keys, rows, millis, transactionMillis, walBytes),
				work);
	}

	private static SamplePlan plan(long keys, long pending, int batchSize) {
		return new SamplePlan(keys, pending, batchSize, null, List.of(), null);
	}

	private static Extrapolation fixed(SamplePlan plan, Extrapolation.Timed... samples) {
		return new Extrapolation(List.of(samples), plan, null, FIXED);
	}

	@Test
	void uniformSamplesGiveTheirOwnTimeForEveryBatch() {
		Extrapolation.Timed each = sample(1_000, 800, 10.0, 6.0, 100_000, 4.0);
		Extrapolation run = fixed(plan(10_000, 8_000, 1_000), each, each, each, each, each);
		assertThat(run.batchSize()).isEqualTo(1_000);
		assertThat(run.batches()).isEqualTo(10);
		// 10 batches of 10 ms
		assertThat(run.seconds()).isCloseTo(0.1, within(1e-9));
		assertThat(run.secondsLow()).isCloseTo(0.1, within(1e-9));
		assertThat(run.secondsHigh()).isCloseTo(0.1, within(1e-9));
		assertThat(run.rowsPerSecond()).isCloseTo(80_000, within(1e-6));
		assertThat(run.maxBatchMillis()).isEqualTo(6);
		assertThat(run.suggestedBatchSize()).isZero();
		assertThat(run.lockWarning()).isEmpty();
		assertThat(run.walBytesPerBatch()).isEqualTo(100_000);
		assertThat(run.rowsPerBatch()).isEqualTo(800.0);
		assertThat(run.statisticsWarning("orders")).isEmpty();
		assertThat(run.rowsEstimatedBy()).isEqualTo("planner: ~10,000 rows in pg_class.reltuples, 80.0% of them "
				+ "matching the pending predicate; the sample found 80.0% pending in 5,000 keys");
	}

	@Test
	void skewedSamplesAreAveragedWithoutTheirExtremesAndBoundedByPercentiles() {
		// in key order; sorted: 10, 12, 14, 16, 100 (a sample that met a checkpoint)
		Extrapolation run = fixed(plan(10_000, 10_000, 1_000), sample(1_000, 1_000, 16, 5, 0, 0),
				sample(1_000, 1_000, 100, 5, 0, 0), sample(1_000, 1_000, 10, 5, 0, 0),
				sample(1_000, 1_000, 14, 5, 0, 0), sample(1_000, 1_000, 12, 5, 0, 0));
		// a fifth left out at each end: (12 + 14 + 16) / 3 = 14 ms, times 10 batches
		assertThat(run.seconds()).isCloseTo(0.14, within(1e-9));
		// 10th percentile: rank 0.4, 10 + 0.4 * (12 - 10) = 10.8 ms
		assertThat(run.secondsLow()).isCloseTo(0.108, within(1e-9));
		// 90th percentile: rank 3.6, 16 + 0.6 * (100 - 16) = 66.4 ms
		assertThat(run.secondsHigh()).isCloseTo(0.664, within(1e-9));
		assertThat(run.rowsPerSecond()).isCloseTo(10_000 / 0.14, within(1e-6));
	}

	@Test
	void tenSamplesLeaveOutTwoAtEachEnd() {
		double[] millis = { 1, 50, 20, 20, 20, 20, 20, 20, 90, 2 };
		Extrapolation.Timed[] samples = new Extrapolation.Timed[millis.length];
		for (int i = 0; i < millis.length; i++) {
			samples[i] = sample(100, 100, millis[i], 1, 0, 0);
		}
		Extrapolation run = fixed(plan(1_000, 1_000, 100), samples);
		// 1, 2 and 50, 90 left out: six batches of 20 ms, times 10 batches
		assertThat(run.seconds()).isCloseTo(0.2, within(1e-9));
	}

	@Test
	void adaptiveRunIsEstimatedAtTheSizeItsStatementsTakeTheTargetAt() {
		BatchSizing sizing = new BatchSizing(Duration.ofMillis(100), 100, 50_000);
		// 500 keys in 25 ms of statement (20 keys a ms), 5 ms besides it, 2 of them in
		// the transaction
		Extrapolation.Timed each = sample(500, 500, 30, 27, 50_000, 25);
		Extrapolation run = new Extrapolation(List.of(each, each, each), plan(20_000, 20_000, 500), sizing, sizing);
		// 100 ms at 20 keys a ms
		assertThat(run.batchSize()).isEqualTo(2_000);
		assertThat(run.scale()).isEqualTo(4.0);
		assertThat(run.batches()).isEqualTo(10);
		// the statement scaled to 100 ms, the 5 ms kept: 10 batches of 105 ms
		assertThat(run.seconds()).isCloseTo(1.05, within(1e-9));
		assertThat(run.secondsLow()).isCloseTo(1.05, within(1e-9));
		assertThat(run.secondsHigh()).isCloseTo(1.05, within(1e-9));
		// 2 ms besides the statement's 100
		assertThat(run.maxBatchMillis()).isEqualTo(102);
		assertThat(run.walBytesPerBatch()).isEqualTo(200_000);
		assertThat(run.rowsPerBatch()).isEqualTo(2_000.0);
		Estimate estimate = run.into(Estimate.builder("settling", 1, Instant.EPOCH)).build();
		assertThat(estimate.adaptive()).isTrue();
		assertThat(estimate.batchSize()).isEqualTo(2_000);
		assertThat(estimate.walBytesEstimate()).isEqualTo(2_000_000);
		assertThat(estimate.rowsPerSecond()).isCloseTo(20_000 / 1.05, within(1e-6));
	}

	@Test
	void theCommitScalesWithTheBatchAsItsWorkDoesAndTheRestIsKept() {
		BatchSizing sizing = new BatchSizing(Duration.ofMillis(100), 100, 50_000);
		// 25 ms of statement and a 2 ms commit, which flushes the statement's WAL, in 30
		Extrapolation.Timed each = new Extrapolation.Timed(
				new Estimate.Sample(new KeyRange(0L, 500L), 500, 500, 30, 27, 50_000), 25, 2);
		Extrapolation run = new Extrapolation(List.of(each, each, each), plan(20_000, 20_000, 500), sizing, sizing);
		assertThat(run.scale()).isEqualTo(4.0);
		// 100 ms of statement, 8 of commit, the other 3 ms kept: 10 batches of 111 ms
		assertThat(run.seconds()).isCloseTo(1.11, within(1e-9));
		assertThat(run.maxBatchMillis()).isEqualTo(108);
		assertThat(run.timeEstimatedBy("3.00 ms a batch measured between the sampled batches' work"))
			.isEqualTo("each sample's probe, its work and its commit scaled from 500 to 2,000 keys (the size an "
					+ "adaptive run settles at), plus 3.00 ms a batch measured between the sampled batches' work; "
					+ "times the 10 batches, as if the run met the table as the samples did");
		// at the sampled size nothing is scaled
		assertThat(fixed(plan(20_000, 20_000, 500), each).seconds()).isCloseTo(1.2, within(1e-9));
	}

	@Test
	void aRunThatSettlesSmallerThanSampledIsNeverEstimatedBelowNothing() {
		// a sample whose commit stalled for 60 ms, scaled to a tenth of its keys
		Extrapolation.Timed stalled = new Extrapolation.Timed(
				new Estimate.Sample(new KeyRange(0L, 1000L), 1000, 1000, 30, 27, 50_000), 25, 60);
		assertThat(stalled.millisAt(0.1)).isZero();
		assertThat(stalled.transactionMillisAt(0.1)).isZero();
		assertThat(stalled.millisAt(1)).isEqualTo(30);
	}

	@Test
	void fixedSizeRunIsEstimatedAtTheSampledSize() {
		Extrapolation.Timed each = sample(500, 500, 30, 27, 50_000, 25);
		Extrapolation run = fixed(plan(20_000, 20_000, 500), each, each, each);
		assertThat(run.batchSize()).isEqualTo(500);
		assertThat(run.scale()).isEqualTo(1.0);
		assertThat(run.batches()).isEqualTo(40);
		assertThat(run.seconds()).isCloseTo(1.2, within(1e-9));
		assertThat(run.maxBatchMillis()).isEqualTo(27);
		assertThat(run.walBytesPerBatch()).isEqualTo(50_000);
		Estimate estimate = run.into(Estimate.builder("fixed", 1, Instant.EPOCH)).build();
		assertThat(estimate.adaptive()).isFalse();
		assertThat(estimate.walBytesEstimate()).isEqualTo(2_000_000);
	}

	@Test
	void adaptiveSizeStaysWithinItsBoundsAndARunHasOneBatchAtLeast() {
		BatchSizing sizing = new BatchSizing(Duration.ofMillis(100), 100, 50_000);
		// no time measured in the statement: as fast as it gets, the largest size
		Extrapolation run = new Extrapolation(List.of(sample(500, 500, 3, 2, 0, 0)), plan(20_000, 20_000, 500), sizing,
				sizing);
		assertThat(run.batchSize()).isEqualTo(50_000);
		assertThat(run.batches()).isEqualTo(1);
		// no sample: nothing measured, the smallest size
		assertThat(new Extrapolation(List.of(), plan(20_000, 20_000, 500), sizing, sizing).batchSize()).isEqualTo(100);
	}

	@Test
	void noSampleGivesZeroFiguresRatherThanAnError() {
		Extrapolation run = fixed(plan(10_000, 0, 1_000));
		assertThat(run.batches()).isEqualTo(10);
		assertThat(run.seconds()).isZero();
		assertThat(run.secondsLow()).isZero();
		assertThat(run.secondsHigh()).isZero();
		assertThat(run.rowsPerSecond()).isZero();
		assertThat(run.maxBatchMillis()).isZero();
		assertThat(run.suggestedBatchSize()).isZero();
		assertThat(run.walBytesPerBatch()).isZero();
		assertThat(run.rowsPerBatch()).isZero();
		assertThat(run.statisticsWarning("orders")).isEmpty();
		assertThat(run.rowsEstimatedBy())
			.endsWith("0.0% of them matching the pending predicate; the sample found " + "0.0% pending in 0 keys");
	}

	@Test
	void batchHoldingItsLocksOverASecondGetsASizeAimedAtTheTarget() {
		Extrapolation.Timed slow = sample(1_000, 1_000, 1_250, 1_200.4, 0, 0);
		Extrapolation.Timed fast = sample(1_000, 1_000, 20, 10, 0, 0);
		// fixed sizing aims at the default 500 ms: 1,000 * 500 / 1,201
		Extrapolation run = fixed(plan(10_000, 10_000, 1_000), fast, slow, fast);
		assertThat(run.maxBatchMillis()).isEqualTo(1_201);
		assertThat(run.suggestedBatchSize()).isEqualTo(416);
		assertThat(run.lockWarning()).contains("A sampled batch held its transaction, and its row locks, for "
				+ "1,201 ms (over 1 s). A batch size of 416 keeps batches near 500 ms.");
		// an adaptive configuration aims at its own target: 1,000 * 200 / 1,201
		BatchSizing adaptive = new BatchSizing(Duration.ofMillis(200), 100, 10_000);
		Extrapolation aimed = new Extrapolation(List.of(fast, slow, fast), plan(10_000, 10_000, 1_000), null, adaptive);
		assertThat(aimed.suggestedBatchSize()).isEqualTo(166);
		assertThat(aimed.lockWarning()).hasValueSatisfying((w) -> assertThat(w).endsWith("near 200 ms."));
		// a second exactly is still within the limit
		assertThat(fixed(plan(10_000, 10_000, 1_000), sample(1_000, 1_000, 1_000, 1_000, 0, 0)).lockWarning())
			.isEmpty();
	}

	@Test
	void plannerAndSampleFarApartWarnOfStaleStatistics() {
		// the planner expects 10% pending, the sample finds 90% in 2,000 keys
		Extrapolation stale = fixed(plan(10_000, 1_000, 1_000), sample(1_000, 900, 5, 2, 0, 0),
				sample(1_000, 900, 5, 2, 0, 0));
		assertThat(stale.statisticsWarning("orders")).contains("The planner expects 10% of rows to be pending, "
				+ "the sample found 90%: statistics look stale. Run ANALYZE orders and dry-run again.");
		assertThat(stale.rowsEstimatedBy()).contains("10.0% of them").contains("found 90.0% pending in 2,000 keys");
		// too few keys sampled to tell
		assertThat(fixed(plan(10_000, 1_000, 1_000), sample(999, 900, 5, 2, 0, 0)).statisticsWarning("orders"))
			.isEmpty();
		// 10% and 19%: under twice
		assertThat(fixed(plan(10_000, 1_000, 1_000), sample(1_000, 190, 5, 2, 0, 0)).statisticsWarning("orders"))
			.isEmpty();
		// 0.4% and 1.2%: three times, but within a point
		assertThat(fixed(plan(10_000, 40, 1_000), sample(1_000, 12, 5, 2, 0, 0)).statisticsWarning("orders")).isEmpty();
	}

	@Test
	void perBatchOverheadIsTheLaterHalfsMedianLessItsCommit() {
		// later halves: 2, 4, 5 (median 4) and 1.5, 0.5, 1.0 (median 1.0); the cold first
		// half is left out
		assertThat(Extrapolation.overheadMillis(List.of(9.0, 7.0, 3.0, 2.0, 4.0, 5.0),
				List.of(1.0, 1.0, 1.0, 1.5, 0.5, 1.0)))
			.isCloseTo(3.0, within(1e-9));
		// an even later half: halfway between 1 and 2
		assertThat(Extrapolation.overheadMillis(List.of(10.0, 3.0, 1.0, 2.0), List.of())).isCloseTo(1.5, within(1e-9));
	}

	@Test
	void percentilesInterpolateBetweenTheClosestRanks() {
		double[] sorted = { 1, 2, 3, 4 };
		assertThat(Extrapolation.percentile(sorted, 0.5)).isEqualTo(2.5);
		assertThat(Extrapolation.percentile(sorted, 0)).isEqualTo(1.0);
		assertThat(Extrapolation.percentile(sorted, 1)).isEqualTo(4.0);
		assertThat(Extrapolation.percentile(new double[] { 7 }, 0.9)).isEqualTo(7.0);
		assertThat(Extrapolation.percentile(new double[0], 0.9)).isZero();
	}

}
