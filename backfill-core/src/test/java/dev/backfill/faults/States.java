package dev.backfill.faults;

import java.util.HashMap;
import java.util.Map;

/**
 * Makes, once per variant, the database each {@link State} starts from, to be copied for
 * every cell; and records, once per scenario and form, the {@link Trace} of the command
 * without a fault on a bigint key, where points are found (a cell whose command goes
 * another way does not strike: {@link FaultPoint#after()}).
 */
final class States {

	private final Databases databases;

	private final FaultRunner runner;

	private final Map<String, String> templates = new HashMap<>();

	private final Map<String, Trace> traces = new HashMap<>();

	States(Databases databases, FaultRunner runner) {
		this.databases = databases;
		this.runner = runner;
	}

	/**
	 * @return the name of the database that holds the state, on which no session is open
	 */
	synchronized String template(State state, Variant variant) throws Exception {
		String key = state + " " + variant.encode();
		String name = this.templates.get(key);
		if (name != null) {
			return name;
		}
		Databases.Database database = switch (state) {
			case FRESH -> {
				Databases.Database fresh = this.databases.createEmpty();
				CounterBackfill.createTable(fresh.jdbc(), variant.key());
				yield fresh;
			}
			case DONE -> {
				Databases.Database done = this.databases.copy(template(State.FRESH, variant));
				this.runner.record(done, variant, Command.RUN);
				yield done;
			}
			case DEAD -> dead(variant, Scenario.RUN);
			case DEAD_IN_PARTITIONS -> dead(variant, Scenario.RUN_IN_PARTITIONS);
			case ROLLED_BACK -> {
				Databases.Database rolledBack = this.databases.copy(template(State.DEAD, variant));
				this.runner.record(rolledBack, variant, Command.ROLLBACK);
				yield rolledBack;
			}
		};
		database.close();
		this.databases.awaitIdle(database.name());
		this.templates.put(key, database.name());
		return database.name();
	}

	// a real crash: a child JVM halted right after the commit of batch 3 (in partitions,
	// of the third batch to commit)
	private Databases.Database dead(Variant variant, Scenario run) throws Exception {
		Trace trace = trace(run, variant);
		FaultPoint point = ((run == Scenario.RUN) ? trace.find("batch 3", "sql.commit", 1, false)
				: trace.batchCommit(3))
			.orElseThrow();
		Databases.Database dead = this.databases.copy(template(State.FRESH, variant));
		ChildJvm.Exit exit = this.runner.halt(dead, variant, run.command(), point, Fault.HALT_AFTER);
		if (exit.exitCode() != FaultInjector.HALTED) {
			throw new IllegalStateException(
					"The child did not halt after batch 3 (exit " + exit.exitCode() + "):\n" + exit.output());
		}
		long batches = dead.jdbc().sql("SELECT count(*) FROM BACKFILL_BATCH_LOG").query(Long.class).single();
		// in partitions, the commits before the batches' may come in another order, and
		// the other partition may commit one more as the JVM halts
		if ((run == Scenario.RUN) ? batches != 3
				: batches < 1 || batches >= CounterBackfill.ROWS / CounterBackfill.BATCH_SIZE) {
			throw new IllegalStateException("A run halted after batch 3 logged " + batches + " batches");
		}
		return dead;
	}

	/**
	 * @return the events of the scenario's command without a fault, from a copy of its
	 * state: one recording for the bigint key, walked in spans of key values, and one for
	 * the keys walked by probes (uuid stands for text too), per form
	 */
	synchronized Trace trace(Scenario scenario, Variant of) throws Exception {
		Variant variant = new Variant((of.key() == KeyColumn.BIGINT) ? KeyColumn.BIGINT : KeyColumn.UUID, of.form());
		String key = scenario + " " + variant.encode();
		Trace trace = this.traces.get(key);
		if (trace == null) {
			Databases.Database copy = this.databases.copy(template(scenario.state(), variant));
			try {
				trace = Trace.of(this.runner.record(copy, variant, scenario.command()), scenario.launch());
			}
			finally {
				copy.close();
				this.databases.drop(copy.name());
			}
			this.traces.put(key, trace);
		}
		return trace;
	}

}
