package dev.backfill;

import java.util.List;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A backfill's history lists the executions of its runs, newest first: a stopped run and
 * its resume as two executions of one run, each with the rows it changed, and a run a
 * rollback undid as such.
 */
class HistoryTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		Counters.create(jdbc, "history_rows", 3_000);
		Counters.create(jdbc, "history_split", 4_000);
	}

	@Test
	void stoppedAndResumedRunIsTwoExecutionsOfOneRunNewestFirst() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource,
				Counters.counting("history-rows", "history_rows", 500, 0));
		assertThat(operator.history("history-rows", 10)).isEmpty();
		BackfillResult stopped = operator.run("history-rows", RunOptions.defaults(), (progress) -> {
			if (progress.batchNo() == 2) {
				operator.stop("history-rows");
			}
		});
		assertThat(stopped.state()).isEqualTo(BackfillState.STOPPED);
		long rowsBeforeStop = count("SELECT count(*) FROM history_rows WHERE counter = 1");
		operator.run("history-rows", RunOptions.defaults(), (p) -> {
		});

		List<RunSummary> history = operator.history("history-rows", 10);
		assertThat(history).hasSize(2);
		RunSummary resumed = history.get(0);
		RunSummary first = history.get(1);
		assertThat(resumed.jobExecutionId()).isGreaterThan(first.jobExecutionId());
		assertThat(resumed.jobInstanceId()).isEqualTo(first.jobInstanceId());
		assertThat(first.state()).isEqualTo(BackfillState.STOPPED);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(first.rows()).isEqualTo(rowsBeforeStop);
		assertThat(first.rows() + resumed.rows()).isEqualTo(3_000);
		assertThat(first.startedAt()).isNotNull();
		assertThat(first.endedAt()).isAfterOrEqualTo(first.startedAt());
		assertThat(history).noneMatch(RunSummary::rolledBack);
		assertThat(operator.history("history-rows", 1)).containsExactly(resumed);

		operator.rollback("history-rows", (p) -> {
		});
		operator.run("history-rows", RunOptions.defaults(), (p) -> {
		});
		List<RunSummary> afterRollback = operator.history("history-rows", 10);
		assertThat(afterRollback).hasSize(3);
		assertThat(afterRollback.get(0).rolledBack()).isFalse();
		assertThat(afterRollback.get(0).jobInstanceId()).isNotEqualTo(resumed.jobInstanceId());
		assertThat(afterRollback.subList(1, 3)).allMatch(RunSummary::rolledBack);
	}

	@Test
	void aRunSplitIntoPartitionsCountsTheRowsOfEveryPartition() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource,
				Counters.counting("history-split", "history_split", 500, 0));
		operator.run("history-split", new RunOptions(0, 4), ProgressListener.NONE);
		assertThat(operator.history("history-split", 10)).singleElement().satisfies((run) -> {
			assertThat(run.state()).isEqualTo(BackfillState.COMPLETED);
			assertThat(run.rows()).isEqualTo(4_000);
		});
	}

	@Test
	void unknownNameAndLimitBelowOneAreRefused() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource,
				Counters.counting("history-limit", "history_rows", 500, 0));
		assertThatThrownBy(() -> operator.history("nope", 5)).isInstanceOf(NoSuchBackfillException.class);
		assertThatThrownBy(() -> operator.history("history-limit", 0)).isInstanceOf(IllegalArgumentException.class);
	}

}
