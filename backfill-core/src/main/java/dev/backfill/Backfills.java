package dev.backfill;

import java.util.ArrayList;
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
	 * @throws InvalidBackfillException when two share a name, or a backfill runs
	 * {@link Backfill#after() after} one not declared, or some run after each other in a
	 * cycle
	 */
	public Backfills(Collection<Backfill> backfills) {
		for (Backfill backfill : backfills) {
			Backfill previous = this.byName.putIfAbsent(backfill.name(), backfill);
			if (previous != null) {
				throw new InvalidBackfillException("Two backfills are named '" + backfill.name() + "': " + previous
						+ " and " + backfill + ". Give each a name of its own; the name is its Spring Batch job name.");
			}
		}
		for (Backfill backfill : this.byName.values()) {
			for (String other : backfill.after()) {
				if (!this.byName.containsKey(other)) {
					throw new InvalidBackfillException("Backfill '" + backfill.name() + "' runs after '" + other
							+ "', which is not declared. Declared backfills: " + String.join(", ", this.byName.keySet())
							+ ". Correct the name in .after(...), or declare '" + other + "'.");
				}
			}
		}
		for (Backfill backfill : this.byName.values()) {
			List<String> cycle = cycleFrom(backfill.name(), new ArrayList<>());
			if (!cycle.isEmpty()) {
				throw new InvalidBackfillException(
						"Backfills run after each other in a cycle: " + String.join(" runs after ", cycle)
								+ ". None of them could ever run: remove one of these .after(...).");
			}
		}
	}

	// the path back to a backfill on the path, or empty when its .after(...) end
	private List<String> cycleFrom(String name, List<String> path) {
		int seen = path.indexOf(name);
		if (seen >= 0) {
			List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
			cycle.add(name);
			return cycle;
		}
		path.add(name);
		for (String other : this.byName.get(name).after()) {
			List<String> cycle = cycleFrom(other, path);
			if (!cycle.isEmpty()) {
				return cycle;
			}
		}
		path.remove(path.size() - 1);
		return List.of();
	}

	/**
	 * Finds a backfill, or the walk of one schema of a declaration that runs over
	 * schemas, by its name {@code name@schema}.
	 * @param name the name
	 * @return the backfill
	 * @throws NoSuchBackfillException when none has that name
	 */
	public Backfill get(String name) {
		return find(name).orElseThrow(() -> new NoSuchBackfillException(name, this.byName.keySet()));
	}

	/**
	 * Finds a backfill that may not be declared, or the walk of one schema of a
	 * declaration over schemas ({@code name@schema}).
	 * @param name the name
	 * @return the backfill, or empty when none has that name
	 * @throws InvalidBackfillException when the name is a declaration's over schemas with
	 * a schema that is not a valid identifier or does not match its pattern
	 * @since 0.3.0
	 */
	public Optional<Backfill> find(String name) {
		int at = name.indexOf(Backfill.SCHEMA_SEPARATOR);
		if (at > 0) {
			Backfill base = this.byName.get(name.substring(0, at));
			String schema = name.substring(at + 1);
			return (base != null && base.schemas() != null && !schema.isEmpty()) ? Optional.of(base.inSchema(schema))
					: Optional.empty();
		}
		return Optional.ofNullable(this.byName.get(name));
	}

	/**
	 * @return the backfills in name order
	 */
	public List<Backfill> all() {
		return List.copyOf(this.byName.values());
	}

}
