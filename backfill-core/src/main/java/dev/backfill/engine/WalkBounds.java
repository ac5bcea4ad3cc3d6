package dev.backfill.engine;

import dev.backfill.KeyRange;
import dev.backfill.jdbc.TableKey;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * The keys a bounded walk (a rollback) covers, kept in its job parameters: a restart of
 * the walk reads the bounds it started with, whatever was committed since.
 *
 * @param from the lower bound, or {@code null} to start at the smallest key
 * @param fromIncluded whether {@code from} is itself a key of the walk (a first range's)
 * @param until the inclusive upper bound, or {@code null} to walk to the end
 */
record WalkBounds(@Nullable Object from, boolean fromIncluded, @Nullable Object until) {

	/** The exclusive lower bound of the ranges, as text. */
	private static final String FROM = "backfill.from";

	/** {@code "true"} when {@link #FROM} is itself a key to walk. */
	private static final String FROM_INCLUDED = "backfill.fromIncluded";

	/** The inclusive upper bound of the ranges, as text. */
	private static final String UNTIL = "backfill.until";

	/** The whole table. */
	static final WalkBounds ALL = new WalkBounds(null, false, null);

	/**
	 * @param parameters a bounded walk's job parameters
	 * @param keyType the type of the key column, which parses the bounds
	 * @return the bounds they hold
	 */
	static WalkBounds from(JobParameters parameters, TableKey keyType) {
		String from = parameters.getString(FROM);
		String until = parameters.getString(UNTIL);
		return new WalkBounds((from != null) ? keyType.parse(from) : null,
				"true".equals(parameters.getString(FROM_INCLUDED)), (until != null) ? keyType.parse(until) : null);
	}

	/**
	 * @return the bounds as a person reads them, such as {@code (1000, 2000]} or
	 * {@code (1000, end]}
	 */
	@Override
	public String toString() {
		return ((this.from == null) ? "[start" : (this.fromIncluded ? "[" : "(") + this.from) + ", "
				+ ((this.until == null) ? "end]" : this.until + "]");
	}

	/**
	 * Adds the bounds of a range to a new walk's job parameters.
	 * @param range the keys to walk
	 * @param parameters the job parameters
	 */
	static void addTo(KeyRange range, JobParametersBuilder parameters) {
		parameters.addString(FROM, range.from().toString())
			.addString(UNTIL, range.to().toString())
			.addString(FROM_INCLUDED, String.valueOf(range.fromIncluded()));
	}

}
