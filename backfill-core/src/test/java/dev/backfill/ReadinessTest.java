package dev.backfill;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract step's verdict from a backfill's status, for each state a status can hold.
 */
class ReadinessTest {

	private static final Instant STARTED = Instant.parse("2026-12-03T07:00:00.123Z");

	private static final Instant ENDED = Instant.parse("2026-12-03T07:10:00.456Z");

	@Test
	void onlyACompletedRunVerifiedAfterItsEndWithNoDiscrepancyIsReady() {
		Verification after = verification(ENDED.plusSeconds(60), 0);
		assertThat(Readiness.of(status(BackfillState.COMPLETED, after)))
			.satisfies((r) -> assertThat(r.ready()).isTrue())
			.extracting(Readiness::reason)
			.isEqualTo("completed 2026-12-03T07:10:00Z, verified 2026-12-03T07:11:00Z: 5,000 keys, no discrepancy");
		// a verify launched before the run's execution proves nothing of the run,
		// whatever
		// its clock said
		Readiness before = Readiness.of(status(BackfillState.COMPLETED, verification(2, ENDED.plusSeconds(3600), 0)));
		assertThat(before.verdict()).isEqualTo(Readiness.Verdict.NOT_VERIFIED);
		assertThat(before.reason())
			.isEqualTo("completed 2026-12-03T07:10:00Z but not verified since: run 'backfill verify b'");
		assertThat(Readiness.of(status(BackfillState.COMPLETED, null)).verdict())
			.isEqualTo(Readiness.Verdict.NOT_VERIFIED);
		Readiness wrong = Readiness.of(status(BackfillState.COMPLETED, verification(ENDED.plusSeconds(60), 3)));
		assertThat(wrong.verdict()).isEqualTo(Readiness.Verdict.DISCREPANCIES);
		assertThat(wrong.reason()).contains("found 3 discrepancies (first keys: 7, 8, 9)");
	}

	@Test
	void everyOtherStateHoldsTheGateAndSaysWhatToDo() {
		Verification passed = verification(ENDED.plusSeconds(60), 0);
		assertThat(Readiness.of(status(BackfillState.RUNNING, passed)))
			.satisfies((r) -> assertThat(r.verdict()).isEqualTo(Readiness.Verdict.RUNNING))
			.extracting(Readiness::reason)
			.isEqualTo("running on host-1 pid 42 since 2026-12-03T07:00:00Z, 40% done: wait for it to complete, "
					+ "then 'backfill verify b'");
		assertThat(Readiness.of(status(BackfillState.PAUSED, passed)).reason()).startsWith("paused on host-1");
		assertThat(Readiness.of(status(BackfillState.WAITING, passed)).verdict()).isEqualTo(Readiness.Verdict.RUNNING);
		for (BackfillState state : List.of(BackfillState.FAILED, BackfillState.STOPPED, BackfillState.DEAD)) {
			Readiness unfinished = Readiness.of(status(state, passed));
			assertThat(unfinished.verdict()).isEqualTo(Readiness.Verdict.UNFINISHED);
			assertThat(unfinished.reason()).isEqualTo("its latest run is " + state
					+ " after key 2000: 'backfill run b' resumes it, then 'backfill verify b'");
		}
		assertThat(Readiness.of(BackfillStatus.neverRun("b", 10, null, passed)).reason())
			.isEqualTo("never run: run 'backfill run b', then 'backfill verify b'");
		assertThat(Readiness.of(BackfillStatus.rolledBack("b", 3, STARTED, ENDED, 10, null, passed)).verdict())
			.isEqualTo(Readiness.Verdict.ROLLED_BACK);
	}

	private static BackfillStatus status(BackfillState state, @Nullable Verification verification) {
		boolean ended = state != BackfillState.RUNNING && state != BackfillState.PAUSED
				&& state != BackfillState.WAITING;
		return new BackfillStatus("b", state, 3L, 2, 2000, 3000, "2000", 100, 30, STARTED, ended ? ENDED : null,
				"host-1 pid 42", null, 1000, 600, 0, null, null, verification, List.of());
	}

	private static Verification verification(Instant at, long discrepancies) {
		return verification(4, at, discrepancies);
	}

	private static Verification verification(long jobExecutionId, Instant at, long discrepancies) {
		return new Verification("b", jobExecutionId, at, 5000, discrepancies,
				(discrepancies > 0) ? List.of("7", "8", "9") : List.of(), true);
	}

}
