package dev.backfill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.engine.DefaultBackfillOperator;
import dev.backfill.jdbc.BatchRecord;
import dev.backfill.jdbc.JdbcBatchLog;
import dev.backfill.test.Counters;
import dev.backfill.test.DatabaseTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.backfill.test.BatchLogAssert.assertContiguous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs whose partitions worker processes walk, over a queue of this JVM (the starter's is
 * RabbitMQ): the run only hands partitions out and polls the job repository; the workers,
 * operators of their own, walk them, and every row is changed exactly once.
 */
class RemoteRunTest extends DatabaseTest {

	private final BlockingQueue<long[]> queue = new LinkedBlockingQueue<>();

	private final AtomicBoolean working = new AtomicBoolean(true);

	private final ExecutorService workers = Executors.newCachedThreadPool();

	private final List<HikariDataSource> pools = new ArrayList<>();

	@AfterEach
	void stopWorkers() throws InterruptedException {
		this.working.set(false);
		this.workers.shutdownNow();
		this.workers.awaitTermination(10, TimeUnit.SECONDS);
		this.pools.forEach(HikariDataSource::close);
	}

	@Test
	void workersWalkEveryPartitionOnce() throws Exception {
		Counters.create(jdbc, "remote_counters", 12_000);
		jdbc.sql("ANALYZE remote_counters").update();
		Backfill backfill = Counters.counting("remote-counters", "remote_counters", 300, 0.01);
		startWorkers(backfill, 2, 3);
		List<Progress> told = new ArrayList<>();
		List<String> finished = new ArrayList<>();
		ProgressListener listener = new ProgressListener() {
			@Override
			public void onBatch(Progress progress) {
				told.add(progress);
			}

			@Override
			public void onFinished(String name) {
				finished.add(name);
			}
		};
		BackfillResult result = manager(backfill).run("remote-counters", new RunOptions(0, 6, true), listener);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.rowsDone()).isEqualTo(12_000);
		assertThat(count("SELECT count(*) FROM remote_counters WHERE counter <> 1")).isZero();
		Map<Integer, List<BatchRecord>> partitions = partitions("remote-counters");
		assertThat(partitions).hasSize(6);
		// the run's process walked nothing itself, and reports every batch its workers
		// committed, read from the batch log, as a run that walks them itself does
		long logged = partitions.values().stream().mapToLong(List::size).sum();
		assertThat(result.rows()).isEqualTo(12_000);
		assertThat(result.batches()).isEqualTo(logged);
		assertThat(told).hasSize((int) logged);
		assertThat(told.stream().mapToLong(Progress::batchRows).sum()).isEqualTo(12_000);
		assertThat(told).extracting(Progress::batchNo).isSorted().doesNotHaveDuplicates();
		assertThat(told.get(told.size() - 1).rowsDone()).isEqualTo(12_000);
		assertThat(finished).containsExactly("remote-counters");
		partitions.values().forEach((log) -> assertContiguous(log));
		BackfillStatus status = manager(backfill).status("remote-counters");
		assertThat(status.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(status.partitions()).hasSize(6).allSatisfy((p) -> {
			assertThat(p.state()).isEqualTo(BackfillState.COMPLETED);
			assertThat(p.worker()).contains(" pid " + ProcessHandle.current().pid());
		});
	}

	@Test
	void workersKeepTheBatchSizeTheRunWasGiven() {
		Counters.create(jdbc, "remote_sized", 6_000);
		jdbc.sql("ANALYZE remote_sized").update();
		// declares no size: a worker on its own would adapt from its configured one
		Backfill backfill = Counters.timed("remote-sized", "remote_sized", 0);
		startWorkers(backfill, 1, 2);
		BackfillResult result = manager(backfill).run("remote-sized", new RunOptions(250, 3, true),
				ProgressListener.NONE);
		assertThat(result.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM remote_sized WHERE counter <> 1")).isZero();
		assertThat(count("SELECT max(KEY_COUNT) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'remote-sized'"))
			.isEqualTo(250);
	}

	@Test
	void stopReachesEveryWorker() throws Exception {
		Counters.create(jdbc, "remote_stopped", 12_000);
		jdbc.sql("ANALYZE remote_stopped").update();
		Backfill backfill = Counters.counting("remote-stopped", "remote_stopped", 200, 0.05);
		startWorkers(backfill, 2, 2);
		DefaultBackfillOperator manager = manager(backfill);
		List<BackfillResult> result = new ArrayList<>();
		Thread run = new Thread(
				() -> result.add(manager.run("remote-stopped", new RunOptions(0, 4, true), ProgressListener.NONE)));
		run.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (count("SELECT count(*) FROM BACKFILL_BATCH_LOG WHERE BACKFILL_NAME = 'remote-stopped'") < 8) {
			assertThat(System.nanoTime()).isLessThan(deadline);
			Thread.sleep(50);
		}
		BackfillStatus running = manager.status("remote-stopped");
		assertThat(running.state()).isEqualTo(BackfillState.RUNNING);
		assertThat(running.partitions()).anySatisfy((p) -> assertThat(p.state()).isEqualTo(BackfillState.RUNNING));
		assertThat(running.rowsDone())
			.isEqualTo(running.partitions().stream().mapToLong(PartitionStatus::rowsDone).sum());
		assertThat(manager.stop("remote-stopped")).isTrue();
		run.join(30_000);
		assertThat(result).singleElement().satisfies((r) -> assertThat(r.state()).isEqualTo(BackfillState.STOPPED));
		long done = count("SELECT count(*) FROM remote_stopped WHERE counter = 1");
		assertThat(done).isLessThan(12_000);
		Thread.sleep(500);
		// nothing moves once stopped
		assertThat(count("SELECT count(*) FROM remote_stopped WHERE counter = 1")).isEqualTo(done);

		BackfillResult resumed = manager.run("remote-stopped", new RunOptions(0, 0, true), ProgressListener.NONE);
		assertThat(resumed.state()).isEqualTo(BackfillState.COMPLETED);
		assertThat(count("SELECT count(*) FROM remote_stopped WHERE counter <> 1")).isZero();
		partitions("remote-stopped").values().forEach((log) -> assertContiguous(log));
	}

	private DefaultBackfillOperator manager(Backfill backfill) {
		return DefaultBackfillOperator.create(dataSource, backfill)
			.partitionQueue((step, id) -> this.queue.add(new long[] { id }), Duration.ofMillis(200),
					Duration.ofSeconds(5))
			.build();
	}

	// workers: operators of their own, each taking requests from the queue in its threads
	private void startWorkers(Backfill backfill, int workers, int threads) {
		for (int w = 0; w < workers; w++) {
			// each worker process has its pool of its own
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(dataSource.getJdbcUrl());
			pool.setUsername(dataSource.getUsername());
			pool.setPassword(dataSource.getPassword());
			pool.setMaximumPoolSize(4);
			this.pools.add(pool);
			DefaultBackfillOperator worker = DefaultBackfillOperator.create(pool, backfill).build();
			for (int t = 0; t < threads; t++) {
				this.workers.submit(() -> {
					while (this.working.get()) {
						long[] request = this.queue.poll(100, TimeUnit.MILLISECONDS);
						if (request != null) {
							worker.work("partition", request[0]);
						}
					}
					return null;
				});
			}
		}
	}

	private static Map<Integer, List<BatchRecord>> partitions(String name) {
		return new JdbcBatchLog(jdbc, "BACKFILL_").find(name)
			.stream()
			.collect(Collectors.groupingBy(BatchRecord::partition, TreeMap::new, Collectors.toList()));
	}

}
