package dev.backfill.engine;

import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How a walk finds its next batch: by a probe of the key's index ({@link Keyset}), or by
 * arithmetic over a dense integer key ({@link KeySpans}).
 */
interface KeyWalk {

	/**
	 * The next batch of a walk.
	 * @param jdbc a client
	 * @param from where the walk stands: the key the previous batch ended at, or
	 * {@code null} before the first batch
	 * @param fromIncluded whether {@code from} itself belongs to the batch (a bounded
	 * walk's first range)
	 * @param n how many keys a full batch holds
	 * @param until the walk's inclusive upper bound, or {@code null} to walk to the end
	 * @return the batch, or empty when no key is left
	 */
	Optional<Keyset.Batch> next(JdbcClient jdbc, @Nullable Object from, boolean fromIncluded, int n,
			@Nullable Object until);

}
