package dev.backfill;

import java.time.Duration;

import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Work started in the background runs as the synchronous call does, shows who asked while
 * it goes on and how it ended once it did, keeps a second start of the same backfill out,
 * and hands a failure to the caller that waits for it.
 */
class BackgroundWorkTest extends DatabaseTest {

	@BeforeAll
	static void createTables() {
		Counters.create(jdbc, "background_run", 5_000);
		Counters.create(jdbc, "background_fail", 1_000);
	}

	@Test
	void aRunStartedInTheBackgroundEndsWithItsOutcomeAndKeepsASecondStartOut() throws InterruptedException {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource,
				Counters.counting("background-run", "background_run", 500, 0.05));
		assertThat(operator.lastStarted("background-run")).isNull();
		BackgroundWork work = operator.start("background-run", BackgroundWork.Task.run(RunOptions.defaults()), "test");
		assertThat(work.by()).isEqualTo("test");
		assertThat(work.task().kind()).isEqualTo(BackgroundWork.Kind.RUN);
		assertThat(operator.lastStarted("background-run")).isSameAs(work);
		assertThatThrownBy(() -> operator.start("background-run", BackgroundWork.Task.verify(), "again"))
			.isInstanceOf(BackfillAlreadyRunningException.class);
		BackgroundWork.Outcome outcome = work.await(Duration.ofSeconds(60));
		assertThat(outcome).isNotNull();
		assertThat(outcome.failed()).isFalse();
		assertThat(outcome.message()).isEqualTo("completed: 5,000 rows in 10 batches");
		assertThat(work.outcome()).isSameAs(outcome);
		assertThat(count("SELECT count(*) FROM background_run WHERE counter <> 1")).isZero();
		BackgroundWork verify = operator.start("background-run", BackgroundWork.Task.verify(), "test");
		assertThat(verify.await(Duration.ofSeconds(60)).message()).startsWith("verified: 5,000 keys checked");
	}

	@Test
	void aFailureIsThrownToTheCallerThatWaitsAndShownInTheOutcome() {
		DefaultBackfillOperator operator = TestOperators.operator(dataSource,
				Backfill.sql("background-fail")
					.table("background_fail")
					.key("id")
					.pending("counter = 0")
					.update("UPDATE background_fail SET counter = counter + 1 WHERE id > :from AND id <= :to")
					.oneWay("test")
					.build());
		BackgroundWork work = operator.start("background-fail", BackgroundWork.Task.rollback(), "test");
		assertThatThrownBy(() -> work.await(Duration.ofSeconds(60))).isInstanceOf(OneWayBackfillException.class);
		assertThat(work.outcome()).isNotNull();
		assertThat(work.outcome().failed()).isTrue();
		assertThat(work.outcome().message()).contains("background-fail");
	}

}
