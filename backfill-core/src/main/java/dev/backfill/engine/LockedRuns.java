package dev.backfill.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.jdbc.RunLock;

/**
 * The run lock around a backfill's run, verify, rollback and dry-run, and the ones of
 * them this process has going, so that a stop reaches them.
 */
final class LockedRuns {

	private final DataSource dataSource;

	private final BackfillHistory history;

	/** Runs of this process, with what their callers wait on. */
	private final Map<String, Active> active = new ConcurrentHashMap<>();

	LockedRuns(DataSource dataSource, BackfillHistory history) {
		this.dataSource = dataSource;
		this.history = history;
	}

	// only one run, verify, rollback or dry-run of a backfill at a time
	RunLock acquire(String name) {
		return RunLock.tryAcquire(this.dataSource, name)
			.orElseThrow(() -> new BackfillAlreadyRunningException(name, this.history.owner(name)));
	}

	// takes the run lock, keeps the work stoppable while it goes, and says which work
	// failed to launch
	<T> T holding(String name, String what, String again, Work<T> work) {
		try (RunLock lock = acquire(name)) {
			List<Active> registered = new ArrayList<>(1);
			try {
				return work.call(lock, (stop) -> {
					Active active = new Active(stop, new CountDownLatch(1));
					registered.add(active);
					this.active.put(name, active);
				});
			}
			finally {
				for (Active active : registered) {
					this.active.remove(name, active);
					active.done().countDown();
				}
			}
		}
		catch (BackfillException ex) {
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BackfillException(what + " was interrupted; " + again + ".", ex);
		}
		catch (Exception ex) {
			throw new BackfillException(what + " could not be launched: " + DefaultBackfillOperator.rootMessage(ex),
					ex);
		}
	}

	// asks the work of this process to stop: whether it has one going
	boolean stop(String name) {
		Active here = this.active.get(name);
		if (here != null) {
			here.requestStop().run();
			return true;
		}
		return false;
	}

	// whether a process holds the run lock: this one, or another that runs, verifies or
	// rolls back the backfill
	boolean isHeld(String name) {
		return RunLock.isHeld(this.dataSource, name);
	}

	boolean stopAll(Duration timeout) {
		List<Active> runs = List.copyOf(this.active.values());
		runs.forEach((a) -> a.requestStop().run());
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			for (Active run : runs) {
				if (!run.done().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					return false;
				}
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Work done holding a backfill's run lock. */
	@FunctionalInterface
	interface Work<T> {

		/**
		 * @param lock the run lock, held
		 * @param stoppable takes how to stop the work, so that {@link #stop} and
		 * {@link #stopAll} reach it
		 */
		T call(RunLock lock, Consumer<Runnable> stoppable) throws Exception;

	}

	// a run, rollback or verify of this process, by backfill name: the run lock lets only
	// one of them go at a time
	private record Active(Runnable requestStop, CountDownLatch done) {
	}

}
