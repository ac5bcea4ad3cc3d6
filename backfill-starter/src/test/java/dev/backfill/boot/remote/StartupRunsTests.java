package dev.backfill.boot.remote;

import java.time.Duration;
import java.util.List;

import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backfill.run-on-startup} across real application processes on one database: a
 * run stopped by its application's shutdown or killed with its process resumes at the
 * next start, of two instances started together one runs it while the other carries on,
 * and a later start leaves the completed backfill be; the counter backfill shows every
 * row changed exactly once.
 */
class StartupRunsTests extends DatabaseTest {

	// 100 batches of at least 0.1 s: the second start meets the run going
	private static final int ROWS = 20_000;

	private static final Duration START = Duration.ofSeconds(120);

	@BeforeAll
	static void createTable() {
		jdbc.sql("CREATE TABLE " + RemoteApp.TABLE + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)")
			.update();
		jdbc.sql("INSERT INTO " + RemoteApp.TABLE + " (id) SELECT g FROM generate_series(1, ?) g").param(ROWS).update();
	}

	private static long batches() {
		return count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = '" + RemoteApp.NAME + "'");
	}

	@Test
	void aStoppedOrKilledInstanceResumesAtTheNextStartAndOfTwoStartedTogetherOneRunsIt() throws Exception {
		// a deploy's shutdown stops the run after its batch in flight
		AppProcess stopped = AppProcess.app(dataSource, List.of("--backfill.run-on-startup=" + RemoteApp.NAME),
				"instance 0");
		stopped.awaitOutput("batch 2 ", START);
		stopped.terminate(Duration.ofSeconds(60));
		assertThat(stopped.output()).contains("run on startup ended STOPPED").contains("the next start resumes it");

		AppProcess first = AppProcess.app(dataSource, List.of("--backfill.run-on-startup=" + RemoteApp.NAME),
				"instance 1");
		try {
			// three batches of its own, then killed mid-run
			long before = batches();
			long deadline = System.nanoTime() + START.toNanos();
			while (batches() < before + 3) {
				assertThat(System.nanoTime()).as("instance 1's output:%n%s", first.output()).isLessThan(deadline);
				Thread.sleep(50);
			}
		}
		finally {
			first.kill();
		}
		long done = count("SELECT count(*) FROM " + RemoteApp.TABLE + " WHERE counter = 1");
		assertThat(done).as("rows done when killed").isBetween(600L, ROWS - 1L);

		// the next deploy: two instances at once; a third start after the run completed
		// leaves it be
		AppProcess second = AppProcess.app(dataSource, List.of("--backfill.run-on-startup=" + RemoteApp.NAME),
				"instance 2");
		AppProcess third = AppProcess.app(dataSource, List.of("--backfill.run-on-startup=" + RemoteApp.NAME),
				"instance 3");
		try {
			long deadline = System.nanoTime() + START.toNanos();
			String ran = "run on startup ended COMPLETED";
			String carriedOn = "runs in another process; this one carries on";
			while (!((second.output().contains(ran) && third.output().contains(carriedOn))
					|| (third.output().contains(ran) && second.output().contains(carriedOn)))) {
				assertThat(System.nanoTime())
					.as("both instances' output:%n%s%n---%n%s", second.output(), third.output())
					.isLessThan(deadline);
				Thread.sleep(200);
			}
			AppProcess runner = second.output().contains(ran) ? second : third;
			assertThat(runner.output()).contains("resumes from checkpoint after key");
			assertThat(count("SELECT count(*) FROM " + RemoteApp.TABLE + " WHERE counter <> 1"))
				.as("rows changed other than once")
				.isZero();
			// the one that did not run it is still serving
			assertThat(second.alive() && third.alive()).isTrue();
			assertThat(count("SELECT count(*) FROM BATCH_JOB_INSTANCE WHERE JOB_NAME = '" + RemoteApp.NAME + "'"))
				.isOne();
			AppProcess later = AppProcess.app(dataSource, List.of("--backfill.run-on-startup=" + RemoteApp.NAME),
					"instance 4");
			try {
				later.awaitOutput("not run again on startup", START);
			}
			finally {
				later.terminate(Duration.ofSeconds(60));
			}
			assertThat(count("SELECT count(*) FROM BATCH_JOB_INSTANCE WHERE JOB_NAME = '" + RemoteApp.NAME + "'"))
				.isOne();
		}
		finally {
			second.terminate(Duration.ofSeconds(60));
			third.terminate(Duration.ofSeconds(60));
		}
	}

}
