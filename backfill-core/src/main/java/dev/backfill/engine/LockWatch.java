package dev.backfill.engine;

import java.sql.SQLException;
import java.util.List;

import dev.backfill.jdbc.RunLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Looks before every batch whether this process still holds the backfill's run lock: a
 * session that PostgreSQL ended alone (a DBA's {@code pg_terminate_backend},
 * {@code idle_session_timeout}, a proxy dropping an idle connection) took the lock with
 * it, and another process may have taken it since. The lock is taken again when it is
 * free; when it is not, the run stops before its next batch, so that two processes never
 * commit batches of one backfill.
 */
final class LockWatch {

	private static final Logger logger = LoggerFactory.getLogger(LockWatch.class);

	private final RunLock lock;

	private final String name;

	private final JobRepository jobRepository;

	/**
	 * Records the new session outside the batch's transaction, which may yet roll back.
	 */
	private final TransactionTemplate outside;

	LockWatch(RunLock lock, String name, JobRepository jobRepository, PlatformTransactionManager transactionManager) {
		this.lock = lock;
		this.name = name;
		this.jobRepository = jobRepository;
		this.outside = new TransactionTemplate(transactionManager);
		this.outside.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
	}

	/**
	 * @param execution the job execution of the batch, whose context names the lock's
	 * session
	 * @throws LockLost when another session holds the lock now
	 */
	// the partitions of a verify share the run lock: one looks at a time
	synchronized void beforeBatch(JobExecution execution) {
		int before = this.lock.backendPid();
		RunLock.Renewal renewal;
		try {
			renewal = this.lock.renew();
		}
		catch (SQLException ex) {
			// the database is out of reach: the batch's own statements meet that, and the
			// run rides it through
			return;
		}
		switch (renewal) {
			case HELD -> {
			}
			case TAKEN_AGAIN -> {
				logger.warn(
						"Backfill '{}' lost the session of its run lock (backend {}); no other process had taken "
								+ "the lock, so it took it again on backend {} and goes on",
						this.name, before, this.lock.backendPid());
				Owner.recordLock(execution, this.lock);
				this.outside.executeWithoutResult((status) -> this.jobRepository.updateExecutionContext(execution));
			}
			case LOST -> throw new LockLost(this.name, before);
		}
	}

	/**
	 * @param failures the failures of a job execution
	 * @return whether its step stopped because another session held the run lock
	 */
	public static boolean lostIn(List<Throwable> failures) {
		return causedBy(failures, LockLost.class);
	}

	/**
	 * @param failures the failures of an execution
	 * @param cause an exception type of the engine's
	 * @return whether one of them, or one of their causes, is of that type
	 */
	static boolean causedBy(List<Throwable> failures, Class<? extends Throwable> cause) {
		for (Throwable failure : failures) {
			for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
				if (cause.isInstance(t)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Thrown into the step when another session took the run lock: the batch is not run.
	 */
	static final class LockLost extends RuntimeException {

		private static final long serialVersionUID = 1L;

		LockLost(String name, int backend) {
			super("Backfill '" + name + "' lost the session of its run lock (backend " + backend + "), and another "
					+ "process holds the lock now");
		}

	}

}
