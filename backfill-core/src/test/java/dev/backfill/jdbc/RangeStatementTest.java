package dev.backfill.jdbc;

import dev.backfill.KeyRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first range's form of a statement: only the comparisons that bound the keys from
 * below change, whatever else the statement holds.
 */
class RangeStatementTest {

	private static String first(String sql) {
		return RangeStatement.of(sql).sql(KeyRange.startingAt(1L, 10L));
	}

	@Test
	void lowerBoundComparisonsIncludeTheFirstKey() {
		assertThat(first("UPDATE t SET c = 1 WHERE id > :from AND id <= :to"))
			.isEqualTo("UPDATE t SET c = 1 WHERE id >= :from AND id <= :to");
		assertThat(first("UPDATE t SET c = 1 WHERE id>:from AND :from<id AND id <= :to"))
			.isEqualTo("UPDATE t SET c = 1 WHERE id>=:from AND :from<=id AND id <= :to");
		assertThat(first("SELECT * FROM t WHERE (\"id\"\n  >\n  :from) AND id <= :to"))
			.isEqualTo("SELECT * FROM t WHERE (\"id\"\n  >=\n  :from) AND id <= :to");
	}

	@Test
	void laterRangesRunTheStatementAsWritten() {
		String sql = "UPDATE t SET c = 1 WHERE id > :from AND id <= :to";
		assertThat(RangeStatement.of(sql).sql(new KeyRange(1L, 10L))).isSameAs(sql);
	}

	@Test
	void literalsCommentsCastsAndOtherOperatorsAreLeftAlone() {
		String sql = """
				UPDATE t SET note = 'id > :from', x = $$ > :from $$, y = $q$ > :from $q$ -- id > :from
				/* id > :from /* nested > :from */ */
				WHERE id > :from AND id <= :to AND a >> :from = 0 AND b >= :from AND c <> :from
				  AND pg_sleep(CAST(:to AS bigint) - CAST(:from AS bigint)) IS NOT NULL AND "x > :from" = 1
				  AND e::from_type IS NULL AND f > :from_other""";
		String first = first(sql);
		assertThat(first).isEqualTo(sql.replace("WHERE id > :from", "WHERE id >= :from"));
	}

}
