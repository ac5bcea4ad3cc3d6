package dev.backfill.engine;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.backfill.BackfillThrottle.Foreground;
import dev.backfill.KeyRange;
import dev.backfill.Progress;
import dev.backfill.ProgressListener;
import dev.backfill.jdbc.BatchRecord;
import org.jspecify.annotations.Nullable;

/**
 * What the partitions of one run share in this process, so that the run is paced and
 * reported as a whole: the stop, the application's writes the throttles weigh, the rows
 * the rate cap counts, and the progress the listeners see, summed over the partitions. A
 * run in one step is a run of one partition. Partitions call in from their own threads;
 * listeners are told one batch at a time.
 */
final class RunInProcess {

	private final String name;

	private final ProgressListener listener;

	private final AtomicBoolean stop = new AtomicBoolean();

	/** A worker process that leaves: its partitions end after their batch in flight. */
	private final AtomicBoolean leaving = new AtomicBoolean();

	private final ForegroundMeter foreground = new ForegroundMeter();

	/** Each partition's latest figures, by partition number (0 for a run in one step). */
	private final Map<Integer, Figures> partitions = new TreeMap<>();

	/** When the first partition started in this process: the rate cap's clock. */
	private long startNanos;

	private long rows;

	private long batches;

	/** For a worker process: the run in every process, which its throttles pace. */
	private final @Nullable RunAcrossProcesses across;

	/**
	 * The run's batches in every process at the last reading of the application's writes.
	 */
	private long batchesEverywhere = -1;

	/** This process's batches at that reading. */
	private long batchesHere;

	/** Partitions walking in this process now, by number. */
	private final Set<Integer> walking = new HashSet<>();

	RunInProcess(String name, ProgressListener listener) {
		this(name, listener, null);
	}

	/**
	 * @param name the run's job name
	 * @param listener told of the run as a whole
	 * @param across for a worker process, the run in every process; {@code null} when
	 * this process walks all of it
	 */
	RunInProcess(String name, ProgressListener listener, @Nullable RunAcrossProcesses across) {
		this.name = name;
		this.listener = listener;
		this.across = across;
	}

	AtomicBoolean stop() {
		return this.stop;
	}

	/**
	 * The worker process leaves: its partitions end after their batch in flight, to be
	 * handed to other workers.
	 */
	void leave() {
		this.leaving.set(true);
	}

	/**
	 * @return whether this worker process leaves
	 */
	boolean leaving() {
		return this.leaving.get();
	}

	/** Asks every partition to stop before its next batch. */
	void requestStop() {
		this.stop.set(true);
	}

	/**
	 * Takes a reading of the application's writes for the throttles.
	 * @param xmax the snapshot's xmax now
	 * @param nanos {@link System#nanoTime()} now
	 * @return what was measured so far
	 */
	Foreground readForeground(long xmax, long nanos) {
		// read before the lock: no partition waits on it while this one waits on the
		// database
		long everywhere = (this.across != null) ? this.across.committedBatches() : -1;
		return read(xmax, nanos, everywhere);
	}

	private synchronized Foreground read(long xmax, long nanos, long everywhere) {
		if (everywhere >= 0) {
			// the transaction ids of the batches other workers committed meanwhile are
			// the run's, not the application's
			if (this.batchesEverywhere >= 0) {
				this.foreground.ranElsewhere(everywhere - this.batchesEverywhere - (this.batches - this.batchesHere));
			}
			this.batchesEverywhere = everywhere;
			this.batchesHere = this.batches;
		}
		this.foreground.read(xmax, nanos);
		return this.foreground.foreground(nanos);
	}

	/** A partition's batch did its work since the last reading. */
	synchronized void batchRan() {
		this.foreground.batchRan();
	}

	/**
	 * @return rows all partitions changed in this process; for a run handed to workers,
	 * the rows they changed in this execution
	 */
	synchronized long rows() {
		return this.rows;
	}

	/**
	 * @return batches all partitions committed in this process; for a run handed to
	 * workers, the batches they committed in this execution
	 */
	synchronized long batches() {
		return this.batches;
	}

	/**
	 * The rows the rate cap weighs against this process's time: its own, and for a
	 * worker, scaled by its share of the run's partitions walking now, so that the
	 * workers together keep to the cap.
	 * @return the rows
	 */
	long rowsForPace() {
		int everywhere = (this.across != null) ? this.across.runningPartitions() : 0;
		synchronized (this) {
			int here = this.walking.size();
			if (this.across == null || here == 0) {
				return this.rows;
			}
			return Math.round((double) this.rows * Math.max(here, everywhere) / here);
		}
	}

	/**
	 * @param nanos {@link System#nanoTime()} now
	 * @return seconds since the run started in this process
	 */
	synchronized double elapsedSeconds(long nanos) {
		return (this.startNanos != 0) ? (nanos - this.startNanos) / 1e9 : 0;
	}

	/**
	 * A partition starts or resumes in this process.
	 * @param partition its number, 0 for a run in one step
	 * @param rowsDone rows it changed before, across restarts
	 * @param rowsLeft rows it is estimated still to change
	 */
	synchronized void started(int partition, long rowsDone, long rowsLeft) {
		if (this.startNanos == 0) {
			this.startNanos = System.nanoTime();
		}
		this.walking.add(partition);
		this.partitions.put(partition, new Figures(rowsDone, rowsLeft, 0, 0));
	}

	/**
	 * A partition committed a batch: the listeners are told of the run as a whole.
	 * @param partition its number
	 * @param batch the partition's own progress
	 */
	synchronized void committed(int partition, Progress batch) {
		this.rows += batch.batchRows();
		this.batches++;
		Figures before = this.partitions.get(partition);
		long batchesBefore = (before != null) ? before.batches() : 0;
		this.partitions.put(partition,
				new Figures(batch.rowsDone(), batch.rowsRemainingEstimate(), batch.rowsPerSecond(), batchesBefore + 1));
		if (this.partitions.size() == 1 && partition == 0) {
			this.listener.onBatch(batch);
			return;
		}
		this.listener.onBatch(whole(batch.range(), batch));
	}

	/**
	 * Batches worker processes committed, as the batch log shows them: the process that
	 * handed the partitions out tells its listeners of each, with the figures of the run
	 * as the job repository holds them, so that it shows the run as one that walks it
	 * itself would.
	 * @param batches the batches, oldest first
	 * @param run the run's partitions
	 */
	synchronized void committedElsewhere(List<BatchRecord> batches, PartitionRuns run) {
		if (this.startNanos == 0) {
			this.startNanos = System.nanoTime();
		}
		RunStats stats = run.stats();
		long done = run.rowsDone();
		for (BatchRecord batch : batches) {
			this.rows += batch.rowsAffected();
			this.batches++;
			this.listener.onBatch(new Progress(this.name, this.batches,
					new KeyRange(batch.fromKey(), batch.toKey(), batch.fromIncluded()), batch.rowsAffected(),
					batch.durationMs(), done, stats.rowsRemaining(), stats.rowsPerSecond(), stats.etaSeconds(),
					Duration.ofNanos(System.nanoTime() - this.startNanos), batch.keys()));
		}
	}

	/**
	 * A partition found no key left: its rate no longer counts. A run in one step is then
	 * finished.
	 * @param partition its number
	 */
	synchronized void finished(int partition) {
		Figures figures = this.partitions.get(partition);
		if (figures != null) {
			this.partitions.put(partition, new Figures(figures.rowsDone(), 0, 0, figures.batches()));
		}
		if (partition == 0) {
			this.listener.onFinished(this.name);
		}
	}

	/** Every partition of the run completed. */
	void completed() {
		this.listener.onFinished(this.name);
	}

	// the run as a whole: rows summed, rates of the partitions at work summed, the ETA of
	// the rows left at that rate
	private Progress whole(KeyRange range, Progress batch) {
		long done = 0;
		long left = 0;
		double rate = 0;
		for (Figures figures : this.partitions.values()) {
			done += figures.rowsDone();
			left += figures.rowsLeft();
			rate += figures.rowsPerSecond();
		}
		long eta = (rate > 0) ? Math.round(left / rate) : 0;
		return new Progress(this.name, this.batches, range, batch.batchRows(), batch.batchMillis(), done, left, rate,
				eta, Duration.ofNanos(System.nanoTime() - this.startNanos), batch.batchKeys());
	}

	/**
	 * A partition ended its walk in this process: completed, stopped or failed.
	 * @param partition its number
	 */
	synchronized void ended(int partition) {
		this.walking.remove(partition);
	}

	/** A partition's latest figures. */
	private record Figures(long rowsDone, long rowsLeft, double rowsPerSecond, long batches) {
	}

}
