package dev.backfill;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The backfills an application declares, by name; two declarations may not share a name.
 *
 * @since 0.1.0
 */
public final class Backfills {

	private final Map<String, Backfill> byName = new TreeMap<>();

	/**
	 * Collects declarations.
	 * @param backfills the declared backfills
	 * @throws InvalidBackfillException when two share a name
	 */
	public Backfills(Collection<Backfill> backfills) {
		for (Backfill backfill : backfills) {
			Backfill previous = this.byName.putIfAbsent(backfill.name(), backfill);
			if (previous != null) {
				throw new InvalidBackfillException("Two backfills are named '" + backfill.name() + "': " + previous
						+ " and " + backfill + ". Give each a name of its own; the name is its Spring Batch job name.");
			}
		}
	}

	/**
	 * Finds a backfill.
	 * @param name the name
	 * @return the backfill
	 * @throws NoSuchBackfillException when none has that name
	 */
	public Backfill get(String name) {
		Backfill backfill = this.byName.get(name);
		if (backfill == null) {
			throw new NoSuchBackfillException(name, this.byName.keySet());
		}
		return backfill;
	}

	/**
	 * Finds a backfill that may not be declared.
	 * @param name the name
	 * @return the backfill, or empty when none has that name
	 * @since 0.3.0
	 */
	public Optional<Backfill> find(String name) {
		return Optional.ofNullable(this.byName.get(name));
	}

	/**
	 * @return the backfills in name order
	 */
	public List<Backfill> all() {
		return List.copyOf(this.byName.values());
	}

}
