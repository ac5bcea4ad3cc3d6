package dev.backfill.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The events of one command as a {@link FaultInjector} recorded them, each labeled with
 * the phase of the command it falls in: {@code launch} (or {@code restart}) until the
 * step's first batch, {@code recover} for a dead execution marked failed before a new one
 * is created, {@code batch N} from the N-th batch's first statement, and {@code finish}
 * after the last batch's commit.
 */
final class Trace {

	/** The commit of a call: {@code sql.commit@repo.createJobInstance}. */
	static final String COMMIT_OF = "sql.commit@";

	/**
	 * @param phase the phase
	 * @param event the event
	 * @param occurrence which time it happened in the command, from 1
	 */
	record Event(String phase, String event, int occurrence) {
	}

	private final List<Event> events;

	private Trace(List<Event> events) {
		this.events = events;
	}

	/**
	 * @param recorded {@link FaultInjector#trace()}
	 * @param launch what the phase before the first batch is called
	 */
	static Trace of(List<String> recorded, String launch) {
		List<String> names = recorded.stream().filter((e) -> e.contains("#")).toList();
		int step = indexOf(names, "repo.createStepExecution", 0);
		int execution = indexOf(names, "repo.createJobExecution", 0);
		List<Integer> batches = new ArrayList<>();
		for (int i = step; i >= 0 && i < names.size(); i++) {
			if (event(names.get(i)).equals("sql.timeouts")) {
				batches.add(i);
			}
		}
		int finish = batches.isEmpty() ? names.size() : indexOf(names, "sql.commit", batches.get(batches.size() - 1));
		int recoverFrom = -1;
		int recoverTo = -1;
		for (int i = 0; i < execution; i++) {
			if (event(names.get(i)).startsWith("repo.update(")) {
				recoverFrom = (recoverFrom < 0) ? i : recoverFrom;
				recoverTo = indexOf(names, "sql.commit", i);
			}
		}
		List<Event> events = new ArrayList<>();
		for (int i = 0; i < names.size(); i++) {
			String phase;
			if (i > finish) {
				phase = "finish";
			}
			else if (!batches.isEmpty() && i >= batches.get(0)) {
				int batch = 1;
				while (batch < batches.size() && batches.get(batch) <= i) {
					batch++;
				}
				phase = "batch " + batch;
			}
			else if (i >= recoverFrom && i <= recoverTo) {
				phase = "recover";
			}
			else {
				phase = launch;
			}
			String name = names.get(i);
			events.add(new Event(phase, event(name), Integer.parseInt(name.substring(name.lastIndexOf('#') + 1))));
		}
		return new Trace(events);
	}

	List<Event> events() {
		return this.events;
	}

	/**
	 * @return the number of the last batch
	 */
	int batches() {
		return this.events.stream()
			.filter((e) -> e.phase().startsWith("batch "))
			.mapToInt((e) -> Integer.parseInt(e.phase().substring(6)))
			.max()
			.orElse(0);
	}

	/**
	 * Finds a point by where it is: the n-th time an event happens in a phase
	 * ({@code last batch} names the last). An event {@code sql.commit@E} is the first
	 * commit after event E.
	 * @return the point, or empty when the event does not happen there (the SQL form
	 * reads no rows)
	 */
	Optional<FaultPoint> find(String phase, String event, int nth, boolean lockSession) {
		String resolved = phase.equals("last batch") ? "batch " + batches() : phase;
		String wanted = event.startsWith(COMMIT_OF) ? event.substring(COMMIT_OF.length()) : event;
		int seen = 0;
		for (int i = 0; i < this.events.size(); i++) {
			Event e = this.events.get(i);
			if (e.phase().equals(resolved) && e.event().equals(wanted) && ++seen == nth) {
				if (!event.startsWith(COMMIT_OF)) {
					return Optional.of(new FaultPoint(phase, event, event, e.occurrence(), lockSession, before(i)));
				}
				for (int j = i + 1; j < this.events.size(); j++) {
					if (this.events.get(j).event().equals("sql.commit")) {
						return Optional.of(new FaultPoint(phase, event, "sql.commit", this.events.get(j).occurrence(),
								lockSession, before(j)));
					}
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * The commit of the n-th batch to commit, whatever came before it: in a run of
	 * partitions walked in threads, the events of batches interleave, and differ from the
	 * recording's order.
	 * @return the point, or empty when fewer batches committed
	 */
	Optional<FaultPoint> batchCommit(int n) {
		int seen = 0;
		for (Event e : this.events) {
			if (e.phase().startsWith("batch ") && e.event().equals("sql.commit") && ++seen == n) {
				return Optional.of(new FaultPoint("batch commit " + n, "sql.commit", "sql.commit", e.occurrence(),
						false, FaultPoint.ANY));
			}
		}
		return Optional.empty();
	}

	private String before(int i) {
		return (i == 0) ? "" : this.events.get(i - 1).event();
	}

	private static int indexOf(List<String> names, String event, int from) {
		for (int i = Math.max(0, from); i < names.size(); i++) {
			if (event(names.get(i)).equals(event)) {
				return i;
			}
		}
		return -1;
	}

	private static String event(String name) {
		return name.substring(0, name.lastIndexOf('#'));
	}

}
