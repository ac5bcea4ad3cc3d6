package dev.backfill;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A declaration is a {@link SqlBackfill} or a {@link JavaBackfill}, and reads back each
 * part under the name of the builder method that declared it.
 */
class DeclarationTest {

	private static final String RANGE = " WHERE id > :from AND id <= :to";

	@Test
	void sqlFormReadsBackItsStatementsUnderTheirNames() {
		Backfill declared = Backfill.sql("orders-total-cents")
			.table("billing.orders")
			.key("id")
			.pending("total_cents IS NULL")
			.update("UPDATE billing.orders SET total_cents = round(total * 100)" + RANGE)
			.verify("SELECT id, 'wrong' FROM billing.orders" + RANGE + " AND total_cents <> round(total * 100)")
			.rollback("UPDATE billing.orders SET total_cents = NULL" + RANGE)
			.removeOldPath(Duration.ofDays(7), "drop column orders.total")
			.batchSize(2_000)
			.build();
		assertThat(declared).isInstanceOfSatisfying(SqlBackfill.class, (sql) -> {
			assertThat(sql.update()).startsWith("UPDATE billing.orders SET total_cents");
			assertThat(sql.verify()).startsWith("SELECT id, 'wrong'");
		});
		assertThat(declared.name()).isEqualTo("orders-total-cents");
		assertThat(declared.table()).isEqualTo("billing.orders");
		assertThat(declared.key()).isEqualTo("id");
		assertThat(declared.pending()).isEqualTo("total_cents IS NULL");
		assertThat(declared.rollback()).endsWith(RANGE);
		assertThat(declared.oneWay()).isNull();
		assertThat(declared.batchSize()).isEqualTo(2_000);
		assertThat(declared.removeOldPath()).isEqualTo(new Removal(Duration.ofDays(7), "drop column orders.total"));
		assertThat(declared).hasToString("Backfill 'orders-total-cents' (SQL on billing.orders by id)");
	}

	@Test
	void javaFormReadsBackItsColumnsProcessAndCheckUnderTheirNames() {
		RowProcessor process = (row) -> row.set("first_name", "Ann");
		RowCheck check = (row) -> null;
		JavaBackfill declared = Backfill.java("split-names")
			.table("customers")
			.key("id")
			.pending("first_name IS NULL")
			.read("full_name")
			.write("first_name", "last_name")
			.process(process)
			.verify(check)
			.oneWay("restore first_name and last_name from the backup")
			.build();
		assertThat(declared.read()).isEqualTo(List.of("full_name"));
		assertThat(declared.write()).isEqualTo(List.of("first_name", "last_name"));
		assertThat(declared.process()).isSameAs(process);
		assertThat(declared.verify()).isSameAs(check);
		assertThat(declared.rollback()).isNull();
		assertThat(declared.oneWay()).isEqualTo("restore first_name and last_name from the backup");
		assertThat(declared.batchSize()).isZero();
		assertThat(declared.removeOldPath()).isEqualTo(Removal.DEFAULT);
		assertThat(declared).hasToString("Backfill 'split-names' (JAVA on customers by id)");
	}

	@Test
	void checksAreOptionalInEitherForm() {
		SqlBackfill sql = Backfill.sql("no-check")
			.table("customers")
			.key("id")
			.pending("email IS NULL")
			.update("UPDATE customers SET email = 'x'" + RANGE)
			.oneWay("test")
			.build();
		JavaBackfill java = Backfill.java("no-check-java")
			.table("customers")
			.key("id")
			.pending("email IS NULL")
			.write("email")
			.process((row) -> row.set("email", "x"))
			.oneWay("test")
			.build();
		assertThat(sql.verify()).isNull();
		assertThat(java.verify()).isNull();
		assertThat(java.read()).isEmpty();
	}

}
