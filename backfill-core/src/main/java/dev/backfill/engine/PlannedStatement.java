package dev.backfill.engine;

import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One statement a backfill's work runs, which validation plans (never runs) against the
 * table, so that a mistyped column fails at startup, not mid-run.
 *
 * @param what what it is, for messages, such as {@code update statement}
 * @param declaredBy the declaration's parts it comes from, such as {@code .update(...)}:
 * what to correct
 * @param use which work runs it, so which privileges planning it needs
 * @param plan plans it on a client: throws the database's refusal, or returns what else
 * is wrong with it ({@code null} when nothing)
 * @since 0.1.0
 */
record PlannedStatement(String what, List<String> declaredBy, Use use, Function<JdbcClient, @Nullable String> plan) {

	/** Which work runs a statement. */
	enum Use {

		/** Every run, rollback and verify reads with it. */
		READ,

		/** A run's and a dry-run's batches write with it. */
		WRITE,

		/** A rollback's batches write with it. */
		UNDO

	}

	static PlannedStatement of(String what, Use use, Function<JdbcClient, @Nullable String> plan,
			String... declaredBy) {
		return new PlannedStatement(what, List.of(declaredBy), use, plan);
	}

}
