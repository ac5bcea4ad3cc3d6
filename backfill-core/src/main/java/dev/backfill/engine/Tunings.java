package dev.backfill.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.backfill.Backfill;
import dev.backfill.BackfillSettings;
import dev.backfill.BackfillThrottle;
import dev.backfill.Backfills;
import dev.backfill.BatchSizing;
import dev.backfill.InvalidBackfillException;
import dev.backfill.KeyRange;
import dev.backfill.ProgressListener;
import dev.backfill.RunOptions;
import dev.backfill.Tuning;
import dev.backfill.jdbc.RunLock;
import dev.backfill.jdbc.TableShape;
import org.jspecify.annotations.Nullable;

/**
 * The settings, throttles and listeners each backfill works with: the operator's, or
 * those of its own {@link Tuning}, weighed with the declaration's and the caller's batch
 * size.
 */
final class Tunings {

	private final BackfillSettings settings;

	private final List<BackfillThrottle> throttles;

	private final List<ProgressListener> listeners;

	private final Map<String, Tuning> tuning;

	// a tuning for a name no backfill has is a typo: refused when the operator is built
	Tunings(Backfills backfills, BackfillSettings settings, List<BackfillThrottle> throttles,
			List<ProgressListener> listeners, Map<String, Tuning> tuning) {
		for (String name : tuning.keySet()) {
			if (backfills.all().stream().noneMatch((b) -> b.name().equals(name))) {
				throw new InvalidBackfillException(
						"Settings are given for backfill '" + name + "', but no backfill has that name. Declared: "
								+ String.join(", ", backfills.all().stream().map(Backfill::name).toList())
								+ ". Correct the name or remove its settings.");
			}
		}
		this.settings = settings;
		this.throttles = List.copyOf(throttles);
		this.listeners = List.copyOf(listeners);
		this.tuning = Map.copyOf(tuning);
	}

	// everything a run or a rollback needs, resolved once: the job reads only this
	RunPlan plan(Backfill backfill, Pass pass, TableShape shape, RunOptions options, ProgressListener listener,
			@Nullable RunLock lock, @Nullable KeyRange undo) {
		String name = backfill.name();
		int override = options.batchSize();
		return new RunPlan(backfill, pass, shape, batchSize(backfill, override), sizing(backfill, override),
				settings(name), throttles(name), withListeners(listener), lock, undo,
				parallelism(backfill, options.parallelism()), options.remote());
	}

	// the command line's, else the configuration's for the backfill, else the
	// declaration's
	int parallelism(Backfill backfill, int override) {
		Tuning tuned = tuned(backfill.name());
		return (override > 0) ? override
				: (tuned != null && tuned.parallelism() > 0) ? tuned.parallelism() : backfill.parallelism();
	}

	BackfillSettings settings(String name) {
		Tuning tuned = tuned(name);
		return (tuned != null) ? tuned.settings() : this.settings;
	}

	private List<BackfillThrottle> throttles(String name) {
		Tuning tuned = tuned(name);
		return (tuned != null) ? tuned.throttles() : this.throttles;
	}

	// a schema's walk, 'name@schema', is tuned as its declaration is
	private @Nullable Tuning tuned(String name) {
		int at = name.indexOf(Backfill.SCHEMA_SEPARATOR);
		return this.tuning.get((at > 0) ? name.substring(0, at) : name);
	}

	private ProgressListener withListeners(ProgressListener listener) {
		if (this.listeners.isEmpty()) {
			return listener;
		}
		List<ProgressListener> all = new ArrayList<>(this.listeners);
		all.add(listener);
		return ProgressListener.all(all);
	}

	// a size the declaration or the run names is kept; otherwise batches adapt to the
	// target duration
	@Nullable BatchSizing sizing(Backfill backfill, int override) {
		BackfillSettings settings = settings(backfill.name());
		boolean fixed = override > 0 || backfill.batchSize() > 0 || !settings.sizing().adapts();
		return fixed ? null : settings.sizing();
	}

	int batchSize(Backfill backfill, int override) {
		return (override > 0) ? override
				: (backfill.batchSize() > 0) ? backfill.batchSize() : settings(backfill.name()).batchSize();
	}

}
