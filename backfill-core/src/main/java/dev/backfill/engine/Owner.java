package dev.backfill.engine;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

import dev.backfill.jdbc.RunLock;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The process that runs a job execution, recorded in the job's execution context: its
 * host and pid for people, and the database session that holds the run lock, which tells
 * a live execution from one whose process died or lost the lock.
 *
 * @param host the host name
 * @param pid the process id
 * @param since when the process started the execution, as an ISO instant
 * @param lockBackend the backend pid of the run lock's session, or 0 when not recorded
 * (an older version's run)
 */
record Owner(String host, long pid, String since, int lockBackend) {

	private static final String HOST = "backfill.host";

	private static final String PID = "backfill.pid";

	private static final String SINCE = "backfill.since";

	private static final String LOCK_BACKEND = "backfill.lockBackend";

	/**
	 * @param context a job execution context
	 * @return the owner it records, or {@code null} when it records none
	 */
	public static @Nullable Owner from(ExecutionContext context) {
		if (!context.containsKey(HOST)) {
			return null;
		}
		return new Owner(context.getString(HOST), context.getLong(PID), context.getString(SINCE),
				context.containsKey(LOCK_BACKEND) ? context.getInt(LOCK_BACKEND) : 0);
	}

	static Owner ofThisProcess(RunLock lock) {
		return new Owner(hostName(), ProcessHandle.current().pid(), Instant.now().toString(), lock.backendPid());
	}

	void writeTo(ExecutionContext context) {
		context.putString(HOST, this.host);
		context.putLong(PID, this.pid);
		context.putString(SINCE, this.since);
		context.putInt(LOCK_BACKEND, this.lockBackend);
	}

	// the lock was taken again on another session
	static void recordLock(JobExecution execution, RunLock lock) {
		Owner owner = from(execution.getExecutionContext());
		Owner moved = (owner != null) ? new Owner(owner.host, owner.pid, owner.since, lock.backendPid())
				: ofThisProcess(lock);
		moved.writeTo(execution.getExecutionContext());
	}

	/**
	 * @param holder the backend pid of the session that holds the run lock
	 * @return whether this owner is that session (or, when it recorded none, might be)
	 */
	public boolean holdsLock(int holder) {
		return this.lockBackend == 0 || this.lockBackend == holder;
	}

	@Override
	public String toString() {
		return this.host + " pid " + this.pid + " since " + this.since;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return ManagementFactory.getRuntimeMXBean().getName();
		}
	}

}
