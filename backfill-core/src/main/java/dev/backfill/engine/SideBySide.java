package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.KeyRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a dry-run measures for a run split into partitions: some of its sampled batches
 * applied again, all at once, each in a transaction of its own that is rolled back, and
 * timed against the time they took one after the other. On 2 cores the database, not the
 * number of partitions, sets the speed-up; a latency-bound Java backfill gains nearly the
 * partitions' number; what the database and the statement allow is what is measured.
 */
final class SideBySide {

	private static final Logger logger = LoggerFactory.getLogger(SideBySide.class);

	private static final int MAX_AT_ONCE = 8;

	private final BatchWork work;

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	private final BackfillSettings settings;

	private final Backfill backfill;

	SideBySide(Backfill backfill, BatchWork work, JdbcClient jdbc, PlatformTransactionManager transactionManager,
			BackfillSettings settings) {
		this.backfill = backfill;
		this.work = work;
		this.jdbc = jdbc;
		this.transaction = new TransactionTemplate(transactionManager);
		// a thread of its own holds no transaction: each batch is one, rolled back
		this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.settings = settings;
	}

	/**
	 * @param samples the sampled batches, with the time each took alone
	 * @param parallelism the partitions the run is to walk at once
	 * @return how much faster the batches ran side by side: between 0 and
	 * {@code parallelism}; 1 when there are too few to tell
	 */
	double speedup(List<Extrapolation.Timed> samples, int parallelism) {
		// at most 8 at once: a connection each, from the application's pool
		int n = Math.min(Math.min(parallelism, MAX_AT_ONCE), samples.size());
		if (n < 2) {
			return 1;
		}
		// spread over the sample, as the partitions spread over the table
		List<Extrapolation.Timed> round = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			round.add(samples.get(i * samples.size() / n));
		}
		double alone = round.stream().mapToDouble(Extrapolation.Timed::workMillis).sum();
		ExecutorService threads = Executors.newFixedThreadPool(n);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> running = new ArrayList<>(n);
			for (Extrapolation.Timed sample : round) {
				KeyRange range = sample.sample().range();
				running.add(threads.submit(() -> {
					start.await();
					this.transaction.executeWithoutResult((status) -> {
						TenantSchemas
							.bindSearchPath(
									this.jdbc.sql(DryRunTasklet.TIMEOUTS + TenantSchemas.searchPath(this.backfill)),
									this.backfill)
							.param("lock", this.settings.lockTimeout().toMillis() + "ms")
							.param("statement", this.settings.statementTimeout().toMillis() + "ms")
							.query()
							.listOfRows();
						this.work.apply(this.jdbc, range);
						status.setRollbackOnly();
					});
					return null;
				}));
			}
			long begin = System.nanoTime();
			start.countDown();
			for (Future<?> batch : running) {
				batch.get();
			}
			double together = Math.max(0.001, (System.nanoTime() - begin) / 1e6);
			double speedup = Math.max(0.01, Math.min(n, alone / together));
			logger.debug("Dry-run: {} batches took {} ms one after the other and {} ms side by side: {}x", n,
					Math.round(alone), Math.round(together), String.format("%.2f", speedup));
			// with fewer samples than partitions, the speed-up of the round is taken to
			// scale with the partitions as it did with the round's
			return (n == parallelism) ? speedup : Math.min(parallelism, speedup * parallelism / n);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 1;
		}
		catch (java.util.concurrent.ExecutionException ex) {
			// a batch side by side met a lock or a timeout: the run would retry; the
			// estimate stays that of one walk
			logger.info("Dry-run: the batches side by side failed ({}); the estimate is that of one walk",
					DefaultBackfillOperator.rootMessage(ex));
			return 1;
		}
		finally {
			threads.shutdownNow();
			try {
				threads.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
