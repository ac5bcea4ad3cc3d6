package dev.backfill.boot.remote;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.BackfillState;
import dev.backfill.BackfillStatus;
import dev.backfill.PartitionStatus;
import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs handed to worker processes over a real RabbitMQ, each process a JVM of its own
 * killed as kill -9 kills it: every row is changed exactly once, each partition's log is
 * contiguous, and the partitions cover the table with no overlap.
 */
class RemotePartitionsTests {

	private static final int ROWS = 24_000;

	private HikariDataSource database;

	private JdbcClient jdbc;

	private final List<AppProcess> processes = new ArrayList<>();

	private final String queue = "backfill-test-" + UUID.randomUUID();

	// a database of its own for each test: the job repository holds only its runs
	@BeforeEach
	void createDatabase() {
		assumeTrue(TestBroker.addresses() != null, TestBroker.whyNone());
		this.database = TestDatabase.create();
		this.jdbc = JdbcClient.create(this.database);
	}

	@AfterEach
	void killProcesses() throws InterruptedException {
		for (AppProcess process : this.processes) {
			process.kill();
		}
		if (this.database != null) {
			TestDatabase.drop(this.database);
		}
	}

	@Test
	void killedWorkerAndManagerResumeWithEveryRowChangedExactlyOnce() throws Exception {
		createTable();
		AppProcess first = worker();
		worker();
		worker();
		AppProcess manager = manager("--parallelism=8");
		awaitBatches(15);
		first.kill();
		awaitBatches(40);
		manager.kill();
		long atKill = batches();
		Thread.sleep(1_000);
		worker();
		AppProcess again = manager();
		assertThat(again.awaitExit(Duration.ofSeconds(180))).as(again.output()).isZero();
		assertThat(again.output()).contains("resume");
		assertThat(batches()).isGreaterThan(atKill);
		assertExactlyOnce(8);
	}

	@Test
	void partitionOfAWorkerThatNeverReturnsIsFinishedByAnother() throws Exception {
		createTable();
		AppProcess hung = worker();
		worker();
		AppProcess manager = manager("--parallelism=6", "--backfill.remote.stale-after=4s");
		awaitBatches(10);
		// holds its sessions and its broker connection, and does nothing
		hung.suspend();
		assertThat(manager.awaitExit(Duration.ofSeconds(180))).as(manager.output()).isZero();
		assertThat(manager.output()).contains("made no progress");
		assertExactlyOnce(6);
	}

	@Test
	void pauseAndStopReachEveryWorker() throws Exception {
		createTable();
		worker();
		worker();
		AppProcess manager = manager("--parallelism=4");
		awaitBatches(8);
		DefaultBackfillOperator operator = operator();
		BackfillStatus running = operator.status(RemoteApp.NAME);
		assertThat(running.state()).isEqualTo(BackfillState.RUNNING);
		assertThat(running.partitions()).hasSize(4);
		assertThat(running.rowsDone())
			.isEqualTo(running.partitions().stream().mapToLong(PartitionStatus::rowsDone).sum());
		assertThat(running.partitions()).anySatisfy((p) -> {
			assertThat(p.state()).isEqualTo(BackfillState.RUNNING);
			assertThat(p.worker()).contains(" pid ");
		});

		operator.pause(RemoteApp.NAME, "the test");
		// the batches in flight end; then none starts, on any worker
		Thread.sleep(1_500);
		long paused = batches();
		Thread.sleep(2_000);
		assertThat(batches()).isEqualTo(paused);
		assertThat(operator.status(RemoteApp.NAME).state()).isEqualTo(BackfillState.PAUSED);
		operator.resume(RemoteApp.NAME);
		awaitBatches(paused + 4);

		assertThat(operator.stop(RemoteApp.NAME)).isTrue();
		assertThat(manager.awaitExit(Duration.ofSeconds(60))).as(manager.output()).isEqualTo(5);
		long stopped = batches();
		Thread.sleep(1_500);
		assertThat(batches()).isEqualTo(stopped);
		assertThat(operator.status(RemoteApp.NAME).state()).isEqualTo(BackfillState.STOPPED);

		AppProcess resumed = manager();
		assertThat(resumed.awaitExit(Duration.ofSeconds(180))).as(resumed.output()).isZero();
		assertExactlyOnce(4);
	}

	@Test
	void workerStoppedWithSigtermHandsItsPartitionsToTheOthers() throws Exception {
		createTable();
		AppProcess leaving = worker();
		worker();
		AppProcess manager = manager("--parallelism=4");
		awaitBatches(10);
		// it ends its batches in flight and leaves; its partitions go on elsewhere
		leaving.terminate(Duration.ofSeconds(60));
		assertThat(manager.awaitExit(Duration.ofSeconds(180))).as(manager.output()).isZero();
		assertThat(manager.output()).contains("handed out again");
		assertExactlyOnce(4);
		// the manager walked nothing, and reports the run its workers walked: its summary
		// counts every row, and its progress line the whole table (partitions that no
		// worker took yet estimated as those that started)
		assertThat(manager.output()).contains(String.format("%s completed: %,d rows in ", RemoteApp.NAME, ROWS));
		Matcher progress = Pattern.compile(RemoteApp.NAME + "\\s+[\\d,]+/([\\d,]+) rows").matcher(manager.output());
		assertThat(progress.find()).as(manager.output()).isTrue();
		assertThat(Long.parseLong(progress.group(1).replace(",", ""))).isBetween(ROWS * 9L / 10, ROWS * 11L / 10);
	}

	@Test
	void brokerRestartedMidRunIsRiddenThrough() throws Exception {
		// the machine's own broker, which the test may stop and start
		assumeTrue(TestBroker.addresses().contains("127.0.0.1") && new File("/usr/sbin/rabbitmqctl").canExecute(),
				"needs the local RabbitMQ and rabbitmqctl to restart it");
		createTable();
		worker();
		worker();
		AppProcess manager = manager("--parallelism=6");
		awaitBatches(10);
		rabbitmqctl("stop_app");
		Thread.sleep(3_000);
		rabbitmqctl("start_app");
		assertThat(manager.awaitExit(Duration.ofSeconds(180))).as(manager.output()).isZero();
		assertExactlyOnce(6);
	}

	private static void rabbitmqctl(String command) throws Exception {
		Process process = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(output).isZero();
	}

	private void createTable() {
		this.jdbc.sql("CREATE TABLE " + RemoteApp.TABLE + " (id bigint PRIMARY KEY, counter int NOT NULL DEFAULT 0)")
			.update();
		this.jdbc.sql("INSERT INTO " + RemoteApp.TABLE + " (id) SELECT g FROM generate_series(1, ?) g")
			.param(ROWS)
			.update();
		this.jdbc.sql("ANALYZE " + RemoteApp.TABLE).update();
	}

	private AppProcess worker() throws Exception {
		AppProcess worker = AppProcess
			.start(this.database, TestBroker.addresses(), this.queue, List.of("--backfill.remote.worker-threads=2"),
					"backfill", "worker")
			.awaitOutput("backfill worker: taking partitions", Duration.ofSeconds(60));
		this.processes.add(worker);
		return worker;
	}

	private AppProcess manager(String... options) throws Exception {
		List<String> run = new ArrayList<>(List.of("backfill", "run", RemoteApp.NAME, "--remote"));
		List<String> settings = new ArrayList<>(List.of("--backfill.remote.poll-interval=500ms"));
		for (String option : options) {
			(option.startsWith("--backfill.") ? settings : run).add(option);
		}
		AppProcess manager = AppProcess.start(this.database, TestBroker.addresses(), this.queue, settings,
				run.toArray(String[]::new));
		this.processes.add(manager);
		return manager;
	}

	private DefaultBackfillOperator operator() {
		return DefaultBackfillOperator.create(this.database, new RemoteApp().remoteCounter()).build();
	}

	private void assertExactlyOnce(int partitions) {
		assertThat(this.jdbc.sql("SELECT count(*) FROM " + RemoteApp.TABLE + " WHERE counter <> 1")
			.query(Long.class)
			.single()).as(() -> "rows changed other than once; " + evidence()).isZero();
		Map<Integer, List<BatchRecord>> log = new JdbcBatchLog(this.jdbc, "BACKFILL_").find(RemoteApp.NAME)
			.stream()
			.collect(Collectors.groupingBy(BatchRecord::partition, TreeMap::new, Collectors.toList()));
		assertThat(log).hasSize(partitions);
		log.values().forEach((batches) -> assertContiguous(batches));
		assertThat(log.values().stream().flatMap(List::stream).mapToLong(BatchRecord::rowsAffected).sum())
			.isEqualTo(ROWS);
		assertThat(operator().status(RemoteApp.NAME).state()).isEqualTo(BackfillState.COMPLETED);
	}

	// what a failure needs to be told apart: the rows by count, the batch log and the
	// step executions by partition, and what each process printed last
	private String evidence() {
		StringBuilder evidence = new StringBuilder("rows by counter: ");
		evidence.append(this.jdbc
			.sql("SELECT string_agg(counter || ' x' || n, ', ' ORDER BY counter) FROM (SELECT counter, count(*) n FROM "
					+ RemoteApp.TABLE + " GROUP BY counter) c")
			.query(String.class)
			.single());
		evidence.append("\nbatch log by partition and execution:");
		this.jdbc
			.sql("SELECT PARTITION_NO || ' exec ' || JOB_EXECUTION_ID || ': ' || count(*) || ' batches ('"
					+ " || min(BATCH_NO) || '..' || max(BATCH_NO) || '), rows ' || sum(ROWS_AFFECTED)"
					+ " FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = ? AND OUTCOME = 'COMMITTED'"
					+ " GROUP BY PARTITION_NO, JOB_EXECUTION_ID ORDER BY PARTITION_NO, JOB_EXECUTION_ID")
			.param(RemoteApp.NAME)
			.query(String.class)
			.list()
			.forEach((line) -> evidence.append("\n  ").append(line));
		evidence.append("\nsteps:");
		this.jdbc
			.sql("SELECT JOB_EXECUTION_ID || ' ' || STEP_NAME || ' ' || STATUS FROM BATCH_STEP_EXECUTION"
					+ " ORDER BY STEP_EXECUTION_ID")
			.query(String.class)
			.list()
			.forEach((line) -> evidence.append("\n  ").append(line));
		for (AppProcess process : this.processes) {
			String output;
			try {
				output = process.output();
			}
			catch (IOException ex) {
				output = "(unreadable: " + ex + ")";
			}
			evidence.append("\n--- a process, its last lines:\n")
				.append(output.substring(Math.max(0, output.length() - 3000)));
		}
		return evidence.toString();
	}

	private long batches() {
		return this.jdbc
			.sql("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = ? AND OUTCOME = 'COMMITTED'")
			.param(RemoteApp.NAME)
			.query(Long.class)
			.single();
	}

	private void awaitBatches(long batches) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (batches() < batches) {
			assertThat(System.nanoTime()).as("%d batches in 120 s", batches).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

}
